import Foundation
import Hummingbird
import Materializer
import TouchstoneCore

/// The server-rendered UI: findings by severity, a finding with its cluster
/// and evidence, a cluster, a drafted notice, the alerts. Plain HTML and CSS;
/// the only script copies a notice to the clipboard.
struct HTMLRoutes: Sendable {
    let services: WebServices

    func add(to router: Router<WebApp.Context>) {
        router.get("/") { request, _ in try await page { try await index(request) } }
        router.get("findings/:platform/:item") { request, context in
            try await page { try await findingPage(request, context) }
        }
        router.get("findings/:platform/:item/notice") { request, context in
            try await page { try await noticePage(request, context) }
        }
        router.post("findings/:platform/:item/decide") { request, context in
            try await decide(request, context)
        }
        router.get("clusters/:id") { _, context in
            try await page { try await clusterPage(context) }
        }
        router.get("alerts") { _, _ in try await page { try await alertsPage() } }
        router.get("pictures/:platform/:item/:ordinal") { _, context in try await picture(context) }
    }

    /// Renders a page; a missing view becomes a friendly page rather than an error body.
    func page(_ body: () async throws -> String) async throws -> Response {
        do {
            return WebIO.text(try await body(), contentType: "text/html; charset=utf-8")
        } catch let error as HTTPError where error.status == .serviceUnavailable {
            return WebIO.text(HTML.layout(title: "No findings yet", body: """
                <section class="empty"><h1>No findings yet</h1><p>\(HTML.escape(error.body ?? ""))</p>
                <p>Try <code>touchstone demo</code> to see Touchstone on example data.</p></section>
                """), contentType: "text/html; charset=utf-8", status: .serviceUnavailable)
        }
    }

    // MARK: pages

    func index(_ request: Request) async throws -> String {
        let reader = try await services.reader()
        var filter = try WebIO.filter(from: request)
        let showDismissed = filter.includeDismissed && WebIO.query(request, "dismissed") != nil
        filter.includeDismissed = showDismissed
        let stats = try reader.stats()
        let findings = try reader.findings(filter)
        let clusters = try reader.clusters(minSeverity: .low, crossPlatformOnly: true, limit: 12)

        var html = "<section class=\"stats\">"
        html += HTML.stat("items seen", stats.items)
        for severity in Severity.allCases.reversed() where severity != .none {
            html += HTML.stat(severity.rawValue, stats.findingsBySeverity[severity.rawValue] ?? 0, severity: severity)
        }
        html += HTML.stat("cross-platform clusters", stats.crossPlatformClusters)
        html += "<a class=\"stat link\" href=\"/alerts\"><b>\(stats.alerts)</b><span>alerts</span></a>"
        html += "</section>"

        html += """
            <form class="filters" method="get" action="/">
              <label>Brand <input name="brand" value="\(HTML.escape(filter.brand ?? ""))" placeholder="any"></label>
              <label>Platform <input name="platform" value="\(HTML.escape(filter.platform ?? ""))" placeholder="any"></label>
              <label>Severity at least <select name="severity">\(HTML.severityOptions(filter.minSeverity))</select></label>
              <label>Since <input name="since" value="\(HTML.escape(WebIO.query(request, "since") ?? ""))" placeholder="7d, 2026-11-20"></label>
              <label class="check"><input type="checkbox" name="dismissed" value="1"\(showDismissed ? " checked" : "")> show dismissed</label>
              <button type="submit">Filter</button>
            </form>
            """

        if !clusters.isEmpty {
            html += "<h2>Operations across platforms</h2><div class=\"clusters\">"
            for cluster in clusters {
                html += """
                    <a class="cluster-card sev-\(cluster.maxSeverity.rawValue)" href="/clusters/\(HTML.path(cluster.clusterID))">
                      \(HTML.badge(cluster.maxSeverity))
                      <span class="platforms">\(cluster.platforms.map { HTML.platform($0) }.joined(separator: " + "))</span>
                      <span class="muted">\(cluster.itemCount) items · \(HTML.escape(cluster.brands.joined(separator: ", ")))</span>
                    </a>
                    """
            }
            html += "</div>"
        }

        if findings.isEmpty {
            html += "<section class=\"empty\"><p>No findings match these filters.</p></section>"
        }
        let bySeverity = Dictionary(grouping: findings, by: \.severity)
        for severity in Severity.allCases.reversed() {
            guard let group = bySeverity[severity], !group.isEmpty else { continue }
            html += "<h2 class=\"sev-heading\">\(HTML.badge(severity)) \(group.count) finding\(group.count == 1 ? "" : "s")</h2>"
            html += "<table class=\"findings\"><thead><tr><th>Score</th><th>Item</th><th>What it is</th><th>Why</th><th>Cluster</th><th>Decision</th></tr></thead><tbody>"
            for finding in group.sorted(by: { ($0.score, $1.itemID) > ($1.score, $0.itemID) }) {
                let href = HTML.findingHref(finding.platform, finding.itemID, brand: finding.brand)
                let why = finding.reasons.prefix(3).map { "<li><span class=\"signal\">\($0.signal.rawValue)</span> \(HTML.escape($0.detail))</li>" }.joined()
                html += """
                    <tr\(finding.decision == "dismissed" ? " class=\"dismissed\"" : "")>
                      <td class="score">\(HTML.score(finding.score))</td>
                      <td>\(HTML.platform(finding.platform)) <a href="\(href)"><code>\(HTML.escape(finding.itemID))</code></a><div class="muted">\(HTML.escape(finding.brand))</div></td>
                      <td><div class="title">\(HTML.label(title: finding.title, text: finding.text, kind: finding.kind))</div><div class="muted">\(finding.account.map { "@" + HTML.escape($0) } ?? "")</div></td>
                      <td><ul class="reasons">\(why)</ul></td>
                      <td>\(finding.clusterID.map { "<a href=\"/clusters/\(HTML.path($0))\">\(finding.linked.count + 1) items</a>" } ?? "<span class=\"muted\">—</span>")</td>
                      <td>\(HTML.decision(finding.decision))</td>
                    </tr>
                    """
            }
            html += "</tbody></table>"
        }
        return HTML.layout(title: "Findings", body: html)
    }

    func findingPage(_ request: Request, _ context: some RequestContext) async throws -> String {
        let detail = try await APIRoutes(services: services).detail(request, context)
        let finding = detail.finding
        let item = detail.item
        var html = """
            <p class="crumbs"><a href="/">Findings</a> › \(HTML.platform(finding.platform)) <code>\(HTML.escape(finding.itemID))</code></p>
            <header class="finding-head sev-\(finding.severity.rawValue)">
              <div>\(HTML.badge(finding.severity)) <span class="score big">\(HTML.score(finding.score))</span> \(HTML.decision(finding.decision))</div>
              <h1>\(HTML.escape(item.title ?? "\(finding.platform) \(finding.kind.rawValue) \(finding.itemID)\(item.account?.handle.map { " by @" + $0 } ?? "")"))</h1>
              <p class="muted">\(HTML.escape(finding.brand)) · \(HTML.platform(finding.platform)) \(finding.kind.rawValue)
                \(item.account.flatMap { $0.handle ?? $0.id }.map { " · @" + HTML.escape($0) } ?? "")
                \(item.price.map { " · " + HTML.escape("\($0.amount) \($0.currency ?? "")") } ?? "")
                · judged \(HTML.escape(finding.judgedAt))</p>
              \(finding.url.map { "<p><a class=\"url\" href=\"\(HTML.escape($0))\" rel=\"noreferrer\">\(HTML.escape($0))</a></p>" } ?? "")
            </header>
            <div class="grid">
            <section class="card">
              <h2>Why</h2>
              <ul class="reasons full">\(finding.reasons.map { "<li><span class=\"signal\">\($0.signal.rawValue)</span> \(HTML.escape($0.detail))</li>" }.joined())</ul>
              \(item.text.map { "<blockquote>\(HTML.escape($0))</blockquote>" } ?? "")
            </section>
            <section class="card">
              <h2>Act</h2>
              <form method="post" action="\(HTML.findingHref(finding.platform, finding.itemID))/decide" class="decide">
                <input type="hidden" name="brand" value="\(HTML.escape(finding.brand))">
                <input name="note" placeholder="note (optional)">
                <input name="by" placeholder="your name (optional)">
                <div class="buttons">
                  <button name="action" value="confirmed">Confirm</button>
                  <button name="action" value="dismissed" class="secondary">Dismiss</button>
                  <button name="action" value="takedown-sent">Takedown sent</button>
                  <button name="action" value="removed" class="secondary">Removed</button>
                </div>
              </form>
              <p><a class="button-link" href="\(HTML.findingHref(finding.platform, finding.itemID, brand: finding.brand, suffix: "/notice"))">Draft takedown notice →</a></p>
              \(detail.decisions.isEmpty ? "" : "<h3>History</h3><ul class=\"history\">" + detail.decisions.map { "<li>\(HTML.decision($0.action)) \(HTML.escape($0.at))\($0.by.map { " by " + HTML.escape($0) } ?? "")\($0.note.map { " — " + HTML.escape($0) } ?? "")</li>" }.joined() + "</ul>")
            </section>
            </div>
            """
        html += "<section class=\"card\"><h2>Evidence</h2>" + HTML.evidence(item) + "</section>"
        if let cluster = detail.cluster {
            html += "<h2>Cluster <a href=\"/clusters/\(HTML.path(cluster.summary.clusterID))\"><code>\(HTML.escape(cluster.summary.clusterID))</code></a></h2>"
            html += HTML.cluster(cluster, highlight: item.key)
        }
        return HTML.layout(title: "\(finding.platform) \(finding.itemID)", body: html)
    }

    func clusterPage(_ context: some RequestContext) async throws -> String {
        let id = try WebIO.parameter(context, "id")
        guard let cluster = try await services.reader().cluster(id) else {
            throw HTTPError(.notFound, message: "no cluster '\(id)' in the view")
        }
        let html = """
            <p class="crumbs"><a href="/">Findings</a> › cluster <code>\(HTML.escape(id))</code></p>
            <header class="finding-head sev-\(cluster.summary.maxSeverity.rawValue)">
              <div>\(HTML.badge(cluster.summary.maxSeverity)) <span class="score big">\(HTML.score(cluster.summary.maxScore))</span></div>
              <h1>Operation across \(cluster.summary.platforms.map { HTML.platform($0) }.joined(separator: " + "))</h1>
              <p class="muted">\(cluster.summary.itemCount) items · brands: \(HTML.escape(cluster.summary.brands.joined(separator: ", ")))</p>
            </header>
            """ + HTML.cluster(cluster, highlight: nil)
        return HTML.layout(title: "Cluster \(id)", body: html)
    }

    func noticePage(_ request: Request, _ context: some RequestContext) async throws -> String {
        let notice = try await APIRoutes(services: services).notice(request, context)
        let api = "/api" + HTML.findingHref(notice.platform, notice.itemID, brand: notice.brand, suffix: "/notice")
        let html = """
            <p class="crumbs"><a href="/">Findings</a> › <a href="\(HTML.findingHref(notice.platform, notice.itemID, brand: notice.brand))">\(HTML.platform(notice.platform)) <code>\(HTML.escape(notice.itemID))</code></a> › notice</p>
            <h1>Takedown notice (draft)</h1>
            <p class="muted">File through: \(HTML.escape(notice.channel))</p>
            <p><button type="button" onclick="navigator.clipboard.writeText(document.getElementById('notice').innerText).then(()=>{this.textContent='Copied'})">Copy text</button>
               <a class="button-link" href="\(api)&format=text">Plain text</a> <a class="button-link" href="\(api)">JSON</a></p>
            <pre id="notice" class="notice">\(HTML.escape(notice.text))</pre>
            """
        return HTML.layout(title: "Notice \(notice.platform) \(notice.itemID)", body: html)
    }

    func alertsPage() async throws -> String {
        let alerts = try await services.reader().alerts(limit: 500)
        var html = "<p class=\"crumbs\"><a href=\"/\">Findings</a> › alerts</p><h1>Alerts</h1>"
        if alerts.isEmpty { html += "<section class=\"empty\"><p>No alerts raised yet.</p></section>" }
        html += "<table class=\"findings\"><thead><tr><th>Raised</th><th>Severity</th><th>Item</th><th>Why</th></tr></thead><tbody>"
        for alert in alerts {
            html += """
                <tr><td class="muted">\(HTML.escape(alert.raisedAt))</td><td>\(HTML.badge(alert.severity)) \(HTML.score(alert.score))</td>
                <td>\(HTML.platform(alert.platform)) <a href="\(HTML.findingHref(alert.platform, alert.itemID, brand: alert.brand))"><code>\(HTML.escape(alert.itemID))</code></a> <span class="muted">\(HTML.escape(alert.brand))</span></td>
                <td><ul class="reasons">\(alert.reasons.prefix(3).map { "<li><span class=\"signal\">\($0.signal.rawValue)</span> \(HTML.escape($0.detail))</li>" }.joined())</ul></td></tr>
                """
        }
        html += "</tbody></table>"
        return HTML.layout(title: "Alerts", body: html)
    }

    // MARK: actions and files

    func decide(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let platform = try WebIO.parameter(context, "platform")
        let item = try WebIO.parameter(context, "item")
        let body = try await request.body.collect(upTo: 64 * 1024)
        let form = HTML.parseForm(String(buffer: body))
        let input = DecisionInput(brand: form["brand"] ?? "", platform: platform, itemID: item, action: form["action"] ?? "",
                                  by: form["by"], note: form["note"])
        try await services.publish(try input.decision(at: services.clock()))
        return Response.redirect(to: HTML.findingHref(platform, item, brand: input.brand) + "&decided=\(HTML.path(input.action))")
    }

    /// Serves an item's picture from disk when the item referenced a local file;
    /// remote pictures are linked, not proxied.
    func picture(_ context: some RequestContext) async throws -> Response {
        let platform = try WebIO.parameter(context, "platform")
        let item = try WebIO.parameter(context, "item")
        guard let ordinal = Int(try WebIO.parameter(context, "ordinal")) else {
            throw HTTPError(.badRequest, message: "picture number must be a number")
        }
        guard let stored = try await services.reader().item(platform: platform, itemID: item),
              stored.pictures.indices.contains(ordinal) else {
            throw HTTPError(.notFound, message: "no picture \(ordinal) for \(platform) item '\(item)'")
        }
        let url = stored.pictures[ordinal].url
        if url.hasPrefix("http://") || url.hasPrefix("https://") { return Response.redirect(to: url, type: .found) }
        guard let fileURL = URL(string: url), fileURL.isFileURL, let data = FileManager.default.contents(atPath: fileURL.path) else {
            throw HTTPError(.notFound, message: "picture \(url) is not readable on this machine")
        }
        let type = switch fileURL.pathExtension.lowercased() {
        case "png": "image/png"
        case "gif": "image/gif"
        case "webp": "image/webp"
        default: "image/jpeg"
        }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
