//! A minimal Language Server Protocol client over stdio: JSON-RPC messages
//! framed by `Content-Length` headers, a reader thread that hands each message
//! to the test, and answers to the few requests a server sends its client.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

/// How long to wait for one message before deciding the server is stuck: a
/// guard against a hang, not a measure of speed.
const STUCK: Duration = Duration::from_secs(120);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    inbox: Receiver<Value>,
    next_id: u64,
    /// What `workspace/configuration` answers, by section (`yaml`).
    settings: Value,
    /// Whether the server has applied its settings.
    ready: bool,
    /// The documents open, by URI.
    open: std::collections::HashSet<String>,
    /// The latest diagnostics published for each document URI.
    diagnostics: HashMap<String, Vec<Value>>,
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// Start `server --stdio` for the workspace `root` with `settings` (by
    /// section, `{"yaml": {...}}`), given when the server asks for them
    /// (`workspace/configuration`), as editors do.
    pub fn start(server: &Path, root: &Path, settings: Value) -> Client {
        let mut child = Command::new(server)
            .arg("--stdio")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, inbox) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let Some(n) = length else { return };
                let mut body = vec![0; n];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(v) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            inbox,
            next_id: 0,
            settings: settings.clone(),
            ready: false,
            open: Default::default(),
            diagnostics: HashMap::new(),
        };
        let root_uri = uri(root);
        client.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": root_uri,
                "workspaceFolders": [{ "uri": root_uri, "name": "project" }],
                "capabilities": {
                    "workspace": { "configuration": true },
                    "textDocument": {
                        "completion": { "completionItem": { "snippetSupport": true } },
                        "hover": { "contentFormat": ["markdown", "plaintext"] },
                        "publishDiagnostics": {},
                    },
                },
            }),
        );
        // As VS Code's YAML extension does: the server then says when it has
        // applied its settings (`yaml/schema/store/initialized`), after asking
        // for them (`workspace/configuration`) once initialized.
        client.notify("yaml/supportSchemaSelection", json!({}));
        client.notify("initialized", json!({}));
        // Documents opened before the server has applied its settings would be
        // checked without the schemas.
        while !client.ready {
            client.receive();
        }
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| self.stdin.flush())
            .expect("write to the language server");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next message, handled: diagnostics are kept, the server's own
    /// requests (registrations, progress, configuration) answered.
    fn receive(&mut self) -> Value {
        let message = self
            .inbox
            .recv_timeout(STUCK)
            .expect("the language server stopped answering");
        if message["method"] == "yaml/schema/store/initialized" {
            self.ready = true;
        } else if message["method"] == "textDocument/publishDiagnostics" {
            let params = &message["params"];
            let uri = params["uri"].as_str().unwrap_or("").to_string();
            let list = params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            self.diagnostics.insert(uri, list);
        } else if message.get("method").is_some() && message.get("id").is_some() {
            let result = if message["method"] == "workspace/configuration" {
                let items = message["params"]["items"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                Value::Array(
                    items
                        .iter()
                        .map(|i| {
                            let section = i["section"].as_str().unwrap_or("");
                            self.settings.get(section).cloned().unwrap_or(Value::Null)
                        })
                        .collect(),
                )
            } else {
                Value::Null
            };
            let id = message["id"].clone();
            self.send(json!({ "jsonrpc": "2.0", "id": id, "result": result }));
        }
        message
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self.receive();
            if m["id"] == id && m.get("method").is_none() {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
        }
    }

    /// Open a document (closing it first if it is open, as an editor does
    /// when a file is reloaded) and wait for its diagnostics.
    pub fn open(&mut self, path: &Path, text: &str) -> Vec<Value> {
        let uri = uri(path);
        if !self.open.insert(uri.clone()) {
            self.notify(
                "textDocument/didClose",
                json!({ "textDocument": { "uri": uri } }),
            );
            // Closing clears its diagnostics: wait for that, then reopen.
            self.diagnostics.remove(&uri);
            while !self.diagnostics.contains_key(&uri) {
                self.receive();
            }
        }
        self.diagnostics.remove(&uri);
        self.next_id += 1;
        self.notify(
            "textDocument/didOpen",
            // A new version each time: the server caches a document's parse
            // by its URI and version.
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": self.next_id, "text": text } }),
        );
        while !self.diagnostics.contains_key(&uri) {
            self.receive();
        }
        self.diagnostics[&uri].clone()
    }

    /// The labels offered at a 0-based line and character.
    pub fn completion(&mut self, path: &Path, line: usize, character: usize) -> Vec<String> {
        let r = self.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri(path) }, "position": { "line": line, "character": character } }),
        );
        let items = r.get("items").unwrap_or(&r);
        items
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|i| i["label"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The hover text at a 0-based line and character.
    pub fn hover(&mut self, path: &Path, line: usize, character: usize) -> String {
        let r = self.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(path) }, "position": { "line": line, "character": character } }),
        );
        r["contents"]["value"]
            .as_str()
            .or(r["contents"].as_str())
            .unwrap_or("")
            .to_string()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
