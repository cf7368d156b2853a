//! The term gauges as inline SVG for the HTML page (the PDF draws the same
//! `Gauge`s with its own shapes).

use crate::compose::Gauge;
use crate::escape;

/// The gauges as one inline SVG block for the HTML page.
pub fn svg(gauges: &[Gauge]) -> String {
    if gauges.is_empty() {
        return String::new();
    }
    const W: f64 = 640.0;
    const ROW: f64 = 72.0;
    const BAR_X: f64 = 190.0;
    const BAR_W: f64 = 420.0;
    let mut out = format!(
        "<figure class=\"gauges\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {}\" width=\"100%\" role=\"img\" aria-label=\"Where each term stands between walk-away and wish\">\n",
        ROW * gauges.len() as f64 + 8.0
    );
    for (i, g) in gauges.iter().enumerate() {
        let y = 8.0 + ROW * i as f64;
        let points = [g.offer_pos, g.batna_pos, g.their_walk_pos]
            .into_iter()
            .flatten();
        let lo = points.clone().fold(-40.0_f64, f64::min).max(-150.0);
        let hi = points.fold(110.0_f64, f64::max).min(250.0);
        let x = |p: f64| BAR_X + (p.clamp(lo, hi) - lo) / (hi - lo) * BAR_W;
        let bar_y = y + 20.0;
        out.push_str(&format!(
            "<text x=\"0\" y=\"{:.1}\" font-size=\"12\" font-weight=\"600\">{}</text>\n",
            bar_y + 9.0,
            escape::html(&g.label)
        ));
        // Beyond walk: hatched grey; inside: light band.
        out.push_str(&format!(
            "<rect x=\"{BAR_X:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"12\" fill=\"#d9d9d9\"/><rect x=\"{:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"12\" fill=\"#eef2f7\" stroke=\"#718096\" stroke-width=\"0.5\"/>\n",
            x(0.0) - BAR_X,
            x(0.0),
            BAR_X + BAR_W - x(0.0)
        ));
        let mut tick = |pos: f64, label: &str, below: bool| {
            let tx = x(pos);
            let ty = if below { bar_y + 26.0 } else { bar_y - 3.0 };
            out.push_str(&format!(
                "<line x1=\"{tx:.1}\" y1=\"{:.1}\" x2=\"{tx:.1}\" y2=\"{:.1}\" stroke=\"#1a202c\" stroke-width=\"1.5\"/><text x=\"{tx:.1}\" y=\"{ty:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>\n",
                bar_y - 1.0,
                bar_y + 13.0,
                escape::html(label)
            ));
        };
        tick(0.0, &g.walk_label, true);
        if let (Some(p), Some(l)) = (g.want_pos, &g.want_label) {
            tick(p, l, true);
        }
        if let Some(l) = &g.wish_label {
            tick(100.0, l, true);
        }
        if let Some((a, b)) = g.zopa {
            out.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"3\" fill=\"#2e5cb8\"><title>zone of agreement</title></rect>\n",
                x(a),
                bar_y + 9.0,
                (x(b) - x(a)).max(1.5)
            ));
        }
        if let (Some(p), Some(l)) = (g.their_walk_pos, &g.their_walk_label) {
            let tx = x(p);
            let l = if g.no_zopa {
                format!("{l} (no zone of agreement)")
            } else {
                l.clone()
            };
            out.push_str(&format!(
                "<line x1=\"{tx:.1}\" y1=\"{:.1}\" x2=\"{tx:.1}\" y2=\"{:.1}\" stroke=\"#2e5cb8\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/><text x=\"{tx:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#2e5cb8\">{}</text>\n",
                bar_y - 6.0,
                bar_y + 18.0,
                bar_y + 50.0,
                escape::html(&l)
            ));
        }
        if let (Some(p), Some(l)) = (g.offer_pos, &g.offer_label) {
            let ox = x(p);
            out.push_str(&format!(
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {ox:.1},{:.1}\" fill=\"#1a202c\"/><text x=\"{ox:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" font-weight=\"600\">{}</text>\n",
                ox - 5.0, bar_y - 12.0, ox + 5.0, bar_y - 12.0, bar_y + 1.0, bar_y - 14.0, escape::html(l)
            ));
        }
        if let (Some(p), Some(l)) = (g.batna_pos, &g.batna_label) {
            let bx = x(p);
            out.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"#fff\" stroke=\"#1a202c\" stroke-width=\"1.5\" transform=\"rotate(45 {bx:.1} {:.1})\"/><text x=\"{bx:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>\n",
                bx - 4.0, bar_y + 2.0, bar_y + 6.0, bar_y + 38.0, escape::html(l)
            ));
        }
    }
    out.push_str("</svg></figure>\n");
    out
}
