//! Sample documents shared by the tests: a realistic prep pack (verdict,
//! six-column terms table, gauge marker, red flags, concession plan, lines
//! to say, notes with Unicode names, offer history), its gauges, and a
//! walk-away letter of about 200 words.

use super::{Gauge, LetterPdf, Paper, PdfError, PdfOutput, PrepPackPdf, Verdict, render_prep_pack};

pub const SAMPLE: &str = r#"# Acme Components — 2027 supply renewal

## Verdict

**Walk away.** An offer is past our walk-away point: the unit price of 10.45 EUR is 0.25 EUR beyond our limit of 10.20 EUR. Score: −12.5 (caution below 40).

## Terms

| Term | Wish | Want | Walk | Their offer | Position | Gap to walk |
|---|--:|--:|--:|--:|---|--:|
| Unit price (EUR) | 9.10 | 9.60 | 10.20 | 10.45 | **beyond** | −0.25 |
| Payment terms (days) | 60 | 45 | 30 | 30 | walk | 0 |
| Delivery frequency | weekly | fortnightly | monthly | monthly | walk | 0 steps |
| Performance guarantee | — | — | required | not offered | **beyond** | — |
| Minimum order quantity (units per calendar quarter) | 5 000 | 8 000 | 12 000 | 10 000 | want | 2 000 |
| Warranty (months) | 36 | 24 | 12 | — | unknown | — |

<!-- walkaway:gauges -->

## Red flags

- **Manufactured urgency** (medium): Lee said the price "expires Friday". Ask what really changes if the date passes.
- **Retracted concession** (high): 45-day payment terms were on the table on 2 November and are gone now.
  - Name it calmly; ask for it back before discussing anything else.
  - Do not trade for it twice.
- **Limited authority** (medium): Lee Park needs sign-off from Zoë Łukasiewicz for anything below 10.40.

## Concession plan

1. Concede delivery frequency first: monthly is acceptable if the price moves.
2. Hold the line on the guarantee — it is a *must have*, not a trading chip.
3. Trade payment terms for price only at a rate of at least 0.05 EUR per 15 days.
   1. Start at 60 days.
   2. Fall back to 45 days.
4. Never go past `walk` on price: 10.20 EUR.

## Lines to say

> We value working with Acme and would like to continue.
> At 10.45 we cannot: our walk-away point is set and signed off by our CFO.
>
> If the price comes back to 10.20 or below, with the guarantee, we can sign this week.

## Missing information

- `worse_than_batna`: not evaluable — no alternative has terms for *delivery*.

## Notes

Lee mentioned a new plant opening in March in Łódź; capacity there may make them ***more flexible*** after Q1. Grace Müller (Beta Parts) confirmed their quote of 10.05 € is valid until 15 January. Дмитрий from logistics says the monthly schedule is workable — but see ~~weekly~~ fortnightly preference in the ops review. A raw <span>tag</span> stays literal.

Contact: [Beta Parts portal](https://beta-parts.example/quotes/2027?ref=northwind-tools-renewal) — reference number ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH.

---

## Offer history

| Date | From | Unit price | Payment days |
|---|---|--:|--:|
| 2026-11-02 | them | 10.80 | 30 |
| 2026-11-09 | us | 9.40 | 60 |
| 2026-11-16 | them | 10.45 | 30 |
"#;

pub fn sample_gauges() -> Vec<Gauge> {
    vec![
        Gauge {
            label: "Unit price".into(),
            walk_label: "walk 10.20 EUR".into(),
            want_label: Some("want 9.60 EUR".into()),
            wish_label: Some("wish 9.10 EUR".into()),
            want_pos: Some(54.5),
            offer_pos: Some(-22.7),
            offer_label: Some("offer 10.45 EUR".into()),
            batna_pos: Some(13.6),
            batna_label: Some("BATNA 10.05 EUR".into()),
            their_walk_pos: Some(30.0),
            their_walk_label: Some("their walk ≈ 9.87 EUR".into()),
            zopa: Some((0.0, 30.0)),
            ..Gauge::default()
        },
        Gauge {
            label: "Payment terms".into(),
            walk_label: "walk 30 days".into(),
            want_label: Some("want 45 days".into()),
            wish_label: Some("wish 60 days".into()),
            want_pos: Some(50.0),
            offer_pos: Some(0.0),
            offer_label: Some("offer 30 days".into()),
            batna_pos: Some(50.0),
            batna_label: Some("BATNA 45 days".into()),
            ..Gauge::default()
        },
        Gauge {
            label: "Delivery frequency".into(),
            walk_label: "walk monthly".into(),
            want_label: Some("want fortnightly".into()),
            wish_label: Some("wish weekly".into()),
            want_pos: Some(50.0),
            offer_pos: Some(0.0),
            offer_label: Some("offer monthly".into()),
            ..Gauge::default()
        },
        Gauge {
            label: "Minimum order quantity (units per calendar quarter)".into(),
            walk_label: "walk 12,000".into(),
            want_label: Some("want 8,000".into()),
            wish_label: Some("wish 5,000".into()),
            want_pos: Some(57.0),
            offer_pos: Some(400.0),
            offer_label: Some("offer 1,000".into()),
            their_walk_pos: Some(-40.0),
            their_walk_label: Some("their walk 14,000".into()),
            no_zopa: true,
            ..Gauge::default()
        },
        Gauge {
            label: "Warranty (months)".into(),
            walk_label: "walk 12".into(),
            want_label: None,
            wish_label: Some("want = wish 36".into()),
            ..Gauge::default()
        },
    ]
}

/// Gauges that crowd and overflow: values a few points apart (a lease's rent:
/// walk, offer, BATNA and their walk within 10 points), long choice labels
/// at both ends, a long term label, want next to wish, off-scale marks, their
/// walk past ours, and one label longer than any gauge is wide.
pub fn crowded_gauges() -> Vec<Gauge> {
    vec![
        Gauge {
            label: "Monthly rent".into(),
            walk_label: "walk 2,350 EUR".into(),
            want_pos: Some(50.0),
            want_label: Some("want 2,250 EUR".into()),
            wish_label: Some("wish 2,150 EUR".into()),
            offer_pos: Some(2.5),
            offer_label: Some("offer 2,345 EUR".into()),
            batna_pos: Some(5.0),
            batna_label: Some("BATNA 2,340 EUR".into()),
            their_walk_pos: Some(10.0),
            their_walk_label: Some("their walk ≈ 2,330 EUR".into()),
            zopa: Some((0.0, 10.0)),
            no_zopa: false,
        },
        Gauge {
            label: "Landlord's fit-out contribution towards the works".into(),
            walk_label: "walk 0 EUR".into(),
            want_pos: Some(53.3),
            want_label: Some("want 8,000 EUR".into()),
            wish_label: Some("wish 15,000 EUR".into()),
            offer_pos: Some(33.3),
            offer_label: Some("offer 5,000 EUR".into()),
            batna_pos: Some(0.0),
            batna_label: Some("BATNA 0 EUR".into()),
            ..Gauge::default()
        },
        Gauge {
            label: "Floor mats".into(),
            walk_label: "walk none".into(),
            want_pos: Some(50.0),
            want_label: Some("want rubber set".into()),
            wish_label: Some("wish rubber and textile sets".into()),
            offer_pos: Some(50.0),
            offer_label: Some("offer rubber set".into()),
            ..Gauge::default()
        },
        Gauge {
            label: "Delivery".into(),
            walk_label: "walk within a calendar month of the order".into(),
            want_pos: Some(50.0),
            want_label: Some("want one week from order".into()),
            wish_label: Some("wish two working days from order".into()),
            offer_pos: Some(0.0),
            offer_label: Some("offer within a calendar month of the order".into()),
            their_walk_pos: Some(-30.0),
            their_walk_label: Some("their walk ≈ six weeks from the order".into()),
            no_zopa: true,
            ..Gauge::default()
        },
        Gauge {
            label: "Unit price".into(),
            walk_label: "walk 10.20 EUR".into(),
            want_pos: Some(96.0),
            want_label: Some("want 9.15 EUR".into()),
            wish_label: Some("wish 9.10 EUR".into()),
            offer_pos: Some(400.0),
            offer_label: Some("offer 5.00 EUR".into()),
            batna_pos: Some(-200.0),
            batna_label: Some("BATNA 12.40 EUR".into()),
            their_walk_pos: Some(98.0),
            their_walk_label: Some("their walk 9.12 EUR".into()),
            zopa: Some((0.0, 98.0)),
            no_zopa: false,
        },
        Gauge {
            label: "Support".into(),
            walk_label: "walk = want business hours".into(),
            wish_label: Some(
                "wish every day around the clock, with a named engineer on call and a four-hour response time for anything that stops the line"
                    .into(),
            ),
            offer_pos: Some(0.0),
            offer_label: Some("offer business hours".into()),
            ..Gauge::default()
        },
    ]
}

/// The sample pack with `md` as its Markdown, rendered.
pub fn render_sample(md: &str, gauges: &[Gauge], paper: Paper) -> Result<PdfOutput, PdfError> {
    render_prep_pack(&PrepPackPdf {
        markdown: &crate::markdown::events(md),
        title: "Acme Components — 2027 supply renewal",
        date: Some("3 December 2026"),
        verdict: Verdict::Walk,
        verdict_headline: "Walk away: an offer is past our walk-away point (unit price 10.45 > 10.20 EUR)",
        gauges,
        paper,
        author: Some("Dana Ruiz"),
    })
}

pub fn sample_letter(paper: Paper) -> LetterPdf<'static> {
    LetterPdf {
        sender_lines: vec![
            "Dana Ruiz".into(),
            "Northwind Tools".into(),
            "dana@northwind.example".into(),
        ],
        date: "23 November 2026",
        recipient_lines: vec![
            "Lee Park".into(),
            "Acme Components".into(),
            "Łódź, Poland".into(),
        ],
        subject: "Our 2027 supply renewal — where we stand",
        body_markdown: LETTER_BODY,
        sign_off: "Kind regards",
        signature: "Dana Ruiz",
        paper,
    }
}

const LETTER_BODY: &str = "Dear Lee,\n\n\
Thank you for the time you and your team gave us over the past weeks, and for the \
openness of our conversations in Łódź. We value the relationship Acme Components has \
built with Northwind Tools over the years, and we took your latest proposal seriously.\n\n\
After reviewing it with our stakeholders, we have decided not to proceed with the \
renewal on the terms offered. Several of our interests were met:\n\n\
- monthly delivery fits our warehouse plan;\n\
- the payment terms of 30 days are workable.\n\n\
Others were not. The unit price of 10.45 EUR is above what we can accept, and a \
performance guarantee remains essential for us. These are decisions our organisation \
made before the meeting, not a judgement of your team's work.\n\n\
We would welcome a conversation if your position on price and the guarantee changes. \
Zoë Łukasiewicz and Grace Müller are copied for their records, and our door remains \
open for future opportunities.\n\n\
Thank you again for your professionalism throughout.";
