import Foundation
import Materializer
import TouchstoneCore

/// HTML fragments and the page layout. Every value from the view goes through ``escape(_:)``.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A path segment or query value, percent-encoded.
    static func path(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func findingHref(_ platform: String, _ itemID: String, brand: String? = nil, suffix: String = "") -> String {
        "/findings/\(path(platform))/\(path(itemID))\(suffix)" + (brand.map { "?brand=\(path($0))" } ?? "")
    }

    static func badge(_ severity: Severity) -> String {
        "<span class=\"badge sev-\(severity.rawValue)\">\(severity.rawValue)</span>"
    }

    static func score(_ score: Double) -> String { String(format: "%.2f", score) }

    static func platform(_ platform: String) -> String {
        "<span class=\"platform p-\(escape(platform))\">\(escape(platform))</span>"
    }

    static func decision(_ action: String?) -> String {
        guard let action else { return "<span class=\"muted\">open</span>" }
        return "<span class=\"decision d-\(escape(action))\">\(escape(action))</span>"
    }

    static func stat(_ label: String, _ value: Int, severity: Severity? = nil) -> String {
        let href = severity.map { "/?severity=\($0.rawValue)" }
        let open = href.map { "<a class=\"stat link\(severity.map { " sev-\($0.rawValue)" } ?? "")\" href=\"\($0)\">" } ?? "<div class=\"stat\">"
        return open + "<b>\(value)</b><span>\(escape(label))</span>" + (href == nil ? "</div>" : "</a>")
    }

    static func severityOptions(_ selected: Severity?) -> String {
        "<option value=\"\"\(selected == nil ? " selected" : "")>any</option>"
            + Severity.allCases.filter { $0 != .none }.map {
                "<option value=\"\($0.rawValue)\"\(selected == $0 ? " selected" : "")>\($0.rawValue)</option>"
            }.joined()
    }

    /// What to call an item in a list: its title, else the start of its text.
    static func label(title: String?, text: String?, kind: ItemKind) -> String {
        if let title, !title.isEmpty { return escape(title) }
        if let text, !text.isEmpty {
            return "<span class=\"snippet\">“" + escape(text.count > 120 ? String(text.prefix(119)) + "…" : text) + "”</span>"
        }
        return "(\(kind.rawValue))"
    }

    /// An item key (`platform:item_id`) as a platform badge and the id.
    static func key(_ key: String) -> String {
        guard let colon = key.firstIndex(of: ":") else { return "<code>\(escape(key))</code>" }
        return platform(String(key[..<colon])) + " <code>\(escape(String(key[key.index(after: colon)...])))</code>"
    }

    static func short(_ hash: String?) -> String {
        guard let hash else { return "<span class=\"muted\">—</span>" }
        return "<code title=\"\(escape(hash))\">\(escape(String(hash.prefix(16))))…</code>"
    }

    /// An item's own evidence: the untouched record and its pictures.
    static func evidence(_ item: Item) -> String {
        var html = "<dl class=\"evidence\">"
        if let raw = item.raw {
            html += "<dt>Record</dt><dd><code class=\"hash\">\(escape(raw.sha256))</code><div class=\"muted\">SHA-256 of the untouched input line · \(escape(raw.topic))[\(raw.partition)]@\(raw.offset)\(raw.source.map { " · " + escape($0) } ?? "")\(raw.line.map { ", line \($0)" } ?? "")\(raw.capturedAt.map { " · captured " + escape($0) } ?? "")</div></dd>"
        }
        if !item.links.isEmpty {
            html += "<dt>Links</dt><dd><ul>" + item.links.map { link in
                "<li><code>\(escape(link.url))</code> <span class=\"muted\">in \(escape(link.foundIn))</span>"
                    + link.products.map { " → \(platform($0.platform)) <code>\(escape($0.itemID))</code>" }.joined() + "</li>"
            }.joined() + "</ul></dd>"
        }
        if !item.contacts.isEmpty {
            html += "<dt>Contacts</dt><dd>" + item.contacts.map { "<code>\($0.kind.rawValue): \(escape($0.value))</code>" }.joined(separator: " ") + "</dd>"
        }
        html += "</dl>"
        if !item.pictures.isEmpty {
            html += "<div class=\"pictures\">"
            for (index, picture) in item.pictures.enumerated() {
                html += pictureCard(picture, src: "/pictures/\(path(item.platform))/\(path(item.itemID))/\(index)")
            }
            html += "</div>"
        }
        return html
    }

    static func pictureCard(_ picture: Picture, src: String) -> String {
        var html = "<figure class=\"picture\"><img src=\"\(src)\" alt=\"\" loading=\"lazy\"><figcaption>"
        html += "<div>SHA-256 \(short(picture.sha256))</div><div>PDQ \(short(picture.pdq))\(picture.quality.map { " <span class=\"muted\">q\($0)</span>" } ?? "")</div>"
        for match in picture.matches ?? [] {
            html += "<div class=\"match\">matches <b>\(escape(match.reference))</b> · distance \(match.distance)\(match.transform == "original" ? "" : " · " + escape(match.transform))\(match.region == nil ? "" : " · part")</div>"
        }
        if let error = picture.error { html += "<div class=\"error\">\(escape(error))</div>" }
        return html + "</figcaption></figure>"
    }

    static func cluster(_ cluster: ClusterDetail, highlight: String?) -> String {
        var html = "<div class=\"members\">"
        for member in cluster.members {
            let key = Item.key(platform: member.platform, itemID: member.itemID)
            let thumb = member.pictures.isEmpty
                ? "<div class=\"thumb none\">no picture</div>"
                : "<img class=\"thumb\" src=\"/pictures/\(path(member.platform))/\(path(member.itemID))/0\" alt=\"\" loading=\"lazy\">"
            let idHTML = member.severity > .none
                ? "<a href=\"\(findingHref(member.platform, member.itemID))\"><code>\(escape(member.itemID))</code></a>"
                : "<code>\(escape(member.itemID))</code>"
            html += """
                <article class="member\(key == highlight ? " current" : "") sev-\(member.severity.rawValue)">
                  \(thumb)
                  <div class="body">
                    <div>\(platform(member.platform)) \(idHTML) \(badge(member.severity))</div>
                    <div class="title">\(label(title: member.title, text: member.text, kind: member.kind))</div>
                    <div class="muted">\(member.account.map { "@" + escape($0) } ?? "")</div>
                    \(member.url.map { "<div class=\"url\"><a href=\"\(escape($0))\" rel=\"noreferrer\">\(escape($0))</a></div>" } ?? "")
                    <div class="muted small">record SHA-256 \(short(member.rawSHA256))</div>
                    \(member.pictures.map { p in "<div class=\"muted small\">picture SHA-256 \(short(p.sha256))" + (p.matches ?? []).prefix(1).map { " · matches \(escape($0.reference)) at distance \($0.distance)" }.joined() + "</div>" }.joined())
                  </div>
                </article>
                """
        }
        html += "</div>"
        if !cluster.edges.isEmpty {
            html += "<h3>How they are linked</h3><table class=\"edges\"><thead><tr><th>From</th><th></th><th>To</th><th>Signal</th><th>Evidence</th></tr></thead><tbody>"
            for edge in cluster.edges {
                html += "<tr><td>\(key(edge.from))</td><td>→</td><td>\(key(edge.to))</td><td><span class=\"signal\">\(edge.signal.rawValue)</span></td><td>\(escape(edge.detail))</td></tr>"
            }
            html += "</tbody></table>"
        }
        return html
    }

    /// `application/x-www-form-urlencoded` to a dictionary (last value wins).
    static func parseForm(_ body: String) -> [String: String] {
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if let name = parts.first { form[name] = parts.count > 1 ? parts[1] : "" }
        }
        return form
    }

    static func layout(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Touchstone</title>
        <style>\(css)</style></head>
        <body><nav class="top"><a class="brand" href="/">◆ Touchstone</a><a href="/">Findings</a><a href="/alerts">Alerts</a><a href="/api/stats">API</a></nav>
        <main>\(body)</main>
        <footer>Touchstone · findings view, read-only · decisions are published to the <code>decisions</code> topic</footer>
        </body></html>
        """
    }

    static let css = """
        :root{--ink:#1d2330;--muted:#6b7280;--line:#e5e7eb;--bg:#f6f7f9;--card:#fff;--accent:#2446a8;
        --critical:#8b0d2a;--high:#c2410c;--medium:#b7791f;--low:#2f6f9f;--none:#6b7280}
        *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
        a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
        code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace}
        nav.top{display:flex;gap:20px;align-items:center;padding:12px 28px;background:#121a2f;color:#fff}
        nav.top a{color:#cfd8ee}nav.top a.brand{color:#fff;font-weight:700;letter-spacing:.02em;margin-right:12px}
        main{max-width:1180px;margin:0 auto;padding:22px 28px 40px}
        footer{color:var(--muted);text-align:center;padding:18px;font-size:12px}
        h1{font-size:22px;margin:6px 0}h2{font-size:16px;margin:26px 0 10px}h3{font-size:14px;margin:18px 0 8px}
        .muted{color:var(--muted)}.small{font-size:12px}
        .stats{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:16px}
        .stat{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:10px 16px;min-width:110px;display:flex;flex-direction:column;color:var(--ink)}
        .stat b{font-size:22px}.stat span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
        .stat.link:hover{text-decoration:none;border-color:var(--accent)}
        .stat.sev-critical b{color:var(--critical)}.stat.sev-high b{color:var(--high)}.stat.sev-medium b{color:var(--medium)}.stat.sev-low b{color:var(--low)}
        .filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px}
        .filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:4px}
        .filters label.check{flex-direction:row;align-items:center;gap:6px;padding-bottom:7px}
        input,select{font:inherit;padding:6px 8px;border:1px solid #cfd4dc;border-radius:6px;background:#fff}
        button,.button-link{font:inherit;padding:7px 14px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;display:inline-block}
        button.secondary{background:#fff;color:var(--accent)}.button-link{background:#fff;color:var(--accent)}
        .badge{display:inline-block;padding:2px 9px;border-radius:999px;font-size:11.5px;font-weight:700;text-transform:uppercase;letter-spacing:.05em;color:#fff;background:var(--none)}
        .badge.sev-critical{background:var(--critical)}.badge.sev-high{background:var(--high)}.badge.sev-medium{background:var(--medium)}.badge.sev-low{background:var(--low)}
        .platform{display:inline-block;padding:1px 7px;border-radius:5px;background:#eef1f7;color:#334155;font-size:12px;font-weight:600}
        .signal{display:inline-block;padding:0 6px;border-radius:4px;background:#f1effa;color:#4c3a99;font:11.5px ui-monospace,monospace;margin-right:4px}
        .decision{font-size:12px;font-weight:600;padding:2px 8px;border-radius:5px;background:#eef2ff;color:#3730a3}
        .decision.d-dismissed{background:#f3f4f6;color:#6b7280}.decision.d-takedown-sent{background:#ecfdf5;color:#047857}.decision.d-removed{background:#d1fae5;color:#065f46}
        table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden}
        th{text-align:left;font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:#fafbfc;padding:8px 12px;border-bottom:1px solid var(--line)}
        td{padding:9px 12px;border-bottom:1px solid var(--line);vertical-align:top}
        tr:last-child td{border-bottom:0}tr.dismissed{opacity:.5}
        td.score{font-variant-numeric:tabular-nums;font-weight:700;width:60px}
        .title{font-weight:600}
        ul.reasons{margin:0;padding:0;list-style:none}ul.reasons li{margin:1px 0}ul.reasons.full li{margin:6px 0}
        .sev-heading{display:flex;align-items:center;gap:10px}
        .clusters{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px}
        .cluster-card{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--none);border-radius:10px;padding:10px 14px;display:flex;flex-direction:column;gap:6px;color:var(--ink)}
        .cluster-card:hover{text-decoration:none;border-color:var(--accent)}
        .cluster-card.sev-critical{border-left-color:var(--critical)}.cluster-card.sev-high{border-left-color:var(--high)}.cluster-card.sev-medium{border-left-color:var(--medium)}.cluster-card.sev-low{border-left-color:var(--low)}
        .crumbs{color:var(--muted);margin:0 0 10px}
        .finding-head{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--none);border-radius:10px;padding:14px 18px}
        .finding-head.sev-critical{border-left-color:var(--critical)}.finding-head.sev-high{border-left-color:var(--high)}.finding-head.sev-medium{border-left-color:var(--medium)}.finding-head.sev-low{border-left-color:var(--low)}
        .score.big{font-size:18px;font-weight:700;margin:0 8px}
        a.url{word-break:break-all}
        .grid{display:grid;grid-template-columns:3fr 2fr;gap:14px;margin-top:14px}
        .card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 18px;margin-top:14px}.grid .card{margin-top:0}
        .card h2{margin-top:4px}
        blockquote{margin:10px 0 0;padding:8px 12px;border-left:3px solid var(--line);color:#374151;background:#fafbfc}
        form.decide{display:flex;flex-direction:column;gap:8px}.buttons{display:grid;grid-template-columns:1fr 1fr;gap:6px}
        ul.history{padding-left:18px}
        dl.evidence{display:grid;grid-template-columns:90px 1fr;gap:6px 12px;margin:0}dl.evidence dt{color:var(--muted);font-size:12px;padding-top:2px}dl.evidence dd{margin:0}
        dl.evidence ul{margin:0;padding-left:16px}
        code.hash{word-break:break-all}
        .pictures{display:flex;flex-wrap:wrap;gap:12px;margin-top:12px}
        figure.picture{margin:0;width:220px;background:#fafbfc;border:1px solid var(--line);border-radius:8px;overflow:hidden}
        figure.picture img{width:100%;height:160px;object-fit:cover;display:block;background:#e5e7eb}
        figure.picture figcaption{padding:6px 8px;font-size:12px}.match{color:#7c2d12}.error{color:#b91c1c}
        .snippet{font-weight:500;font-style:italic}
        .cluster-card .badge,.member .badge{align-self:flex-start}
        .members{margin-top:14px;display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
        .member{display:flex;gap:12px;background:var(--card);border:1px solid var(--line);border-left:4px solid var(--none);border-radius:10px;padding:10px}
        .member.sev-critical{border-left-color:var(--critical)}.member.sev-high{border-left-color:var(--high)}.member.sev-medium{border-left-color:var(--medium)}.member.sev-low{border-left-color:var(--low)}
        .member.current{box-shadow:0 0 0 2px var(--accent)}
        .member .body{min-width:0;display:flex;flex-direction:column;gap:3px}.member .url{font-size:12px;word-break:break-all}
        .thumb{width:84px;height:84px;object-fit:cover;border-radius:6px;flex:none;background:#e5e7eb}
        .thumb.none{display:flex;align-items:center;justify-content:center;font-size:11px;color:var(--muted);text-align:center}
        table.edges td{font-size:13px}
        pre.notice{white-space:pre-wrap;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;font:13px/1.55 ui-monospace,SFMono-Regular,Menlo,monospace}
        .empty{background:var(--card);border:1px dashed #cfd4dc;border-radius:10px;padding:22px;text-align:center;color:var(--muted);margin-top:16px}
        @media (max-width:800px){.grid{grid-template-columns:1fr}main{padding:14px}}
        """
}
