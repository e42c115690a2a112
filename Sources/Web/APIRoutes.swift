import Foundation
import Hummingbird
import Materializer
import TouchstoneCore

/// The JSON API.
///
/// | route | returns |
/// | --- | --- |
/// | `GET /api/stats` | totals: items, findings by severity, clusters, alerts |
/// | `GET /api/findings?brand=&platform=&severity=&since=&cluster=&all=&limit=` | `{"findings":[...]}`, most severe first when `limit` is given |
/// | `GET /api/findings/{platform}/{item_id}?brand=` | one finding with its item, cluster, evidence and decisions |
/// | `GET /api/findings/{platform}/{item_id}/notice?brand=&format=text` | the drafted takedown notice (JSON, or plain text) |
/// | `GET /api/clusters?severity=&cross_platform=1` | `{"clusters":[...]}` |
/// | `GET /api/clusters/{id}` | one cluster: members with pictures and raw SHA-256s, evidence edges |
/// | `GET /api/alerts?brand=&limit=` | `{"alerts":[...]}`, newest first |
/// | `GET /api/decisions?limit=` | `{"decisions":[...]}`, newest first |
/// | `POST /api/decisions` | publishes `{"brand","platform","item_id","action","by"?,"note"?}` to `decisions`; 202 |
struct APIRoutes: Sendable {
    let services: WebServices

    func add(to router: Router<WebApp.Context>) {
        let api = router.group("api")
        api.get("stats") { _, _ in try WebIO.json(try await services.reader().stats()) }
        api.get("findings") { request, _ in
            let filter = try WebIO.filter(from: request)
            return try WebIO.json(["findings": try await services.reader().findings(filter)])
        }
        api.get("findings/:platform/:item") { request, context in
            try WebIO.json(try await detail(request, context))
        }
        api.get("findings/:platform/:item/notice") { request, context in
            let notice = try await notice(request, context)
            if WebIO.query(request, "format") == "text" {
                return WebIO.text(notice.text, contentType: "text/plain; charset=utf-8")
            }
            return try WebIO.json(notice)
        }
        api.get("clusters") { request, _ in
            let crossPlatform = WebIO.query(request, "cross_platform").map { $0 == "1" || $0 == "true" } ?? false
            let clusters = try await services.reader().clusters(
                minSeverity: try WebIO.severity(WebIO.query(request, "severity")), crossPlatformOnly: crossPlatform)
            return try WebIO.json(["clusters": clusters])
        }
        api.get("clusters/:id") { _, context in
            let id = try WebIO.parameter(context, "id")
            guard let cluster = try await services.reader().cluster(id) else {
                throw HTTPError(.notFound, message: "no cluster '\(id)' in the view")
            }
            return try WebIO.json(cluster)
        }
        api.get("alerts") { request, _ in
            let limit = WebIO.query(request, "limit").flatMap(Int.init) ?? 200
            return try WebIO.json(["alerts": try await services.reader().alerts(brand: WebIO.query(request, "brand"), limit: limit)])
        }
        api.get("decisions") { request, _ in
            let limit = WebIO.query(request, "limit").flatMap(Int.init) ?? 200
            return try WebIO.json(["decisions": try await services.reader().decisions(limit: limit)])
        }
        api.post("decisions") { request, _ in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let input: DecisionInput
            do {
                input = try JSONDecoder().decode(DecisionInput.self, from: Data(body.readableBytesView))
            } catch let error as DecodingError {
                throw HTTPError(.badRequest, message: DecisionInput.explain(error))
            }
            let decision = try input.decision(at: services.clock())
            try await services.publish(decision)
            return try WebIO.json(["decision": decision], status: .accepted)
        }
    }

    func detail(_ request: Request, _ context: some RequestContext) async throws -> FindingDetail {
        let platform = try WebIO.parameter(context, "platform")
        let item = try WebIO.parameter(context, "item")
        let brand = WebIO.query(request, "brand")
        guard let detail = try await services.reader().finding(platform: platform, itemID: item, brand: brand) else {
            throw HTTPError(.notFound, message: "no finding for \(platform) item '\(item)'\(brand.map { " and brand '\($0)'" } ?? "") in the view")
        }
        return detail
    }

    func notice(_ request: Request, _ context: some RequestContext) async throws -> TakedownNotice {
        let detail = try await detail(request, context)
        return NoticeDrafter.draft(detail, holder: services.rightsHolders[detail.finding.brand], draftedAt: services.clock())
    }
}

/// The body of `POST /api/decisions` and of the UI's decision form.
struct DecisionInput: Decodable {
    var brand: String
    var platform: String
    var itemID: String
    var action: String
    var by: String?
    var note: String?

    enum CodingKeys: String, CodingKey {
        case brand, platform, action, by, note
        case itemID = "item_id"
    }

    func decision(at time: String) throws -> Decision {
        guard let action = Decision.Action(rawValue: action) else {
            throw HTTPError(.badRequest, message: "action must be one of \(Decision.Action.allCases.map(\.rawValue).joined(separator: ", ")), got '\(action)'")
        }
        for (name, value) in [("brand", brand), ("platform", platform), ("item_id", itemID)] where value.isEmpty {
            throw HTTPError(.badRequest, message: "\(name) must not be empty")
        }
        return Decision(brand: brand, platform: platform, itemID: itemID, action: action,
                        by: by.flatMap { $0.isEmpty ? nil : $0 }, note: note.flatMap { $0.isEmpty ? nil : $0 }, at: time)
    }

    static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "decision lacks field '\(key.stringValue)' (need brand, platform, item_id, action)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "decision field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' must be a string"
        case .dataCorrupted: "decision body is not JSON: send {\"brand\",\"platform\",\"item_id\",\"action\"}"
        @unknown default: "decision body unreadable: \(error)"
        }
    }
}
