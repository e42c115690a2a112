import Foundation
import Materializer
import TouchstoneCore

/// A drafted notice of trademark infringement for one finding, ready for an
/// attorney to review, sign and file through the platform's reporting channel.
/// Drafting is pure: the same finding, profile and date give the same text.
public struct TakedownNotice: Codable, Sendable, Hashable {
    /// One piece of preserved evidence: an item of the cluster and the hashes of its untouched input.
    public struct Evidence: Codable, Sendable, Hashable {
        public var platform: String
        public var itemID: String
        public var url: String?
        public var role: String
        /// SHA-256 of the exact input line the item came from.
        public var rawSHA256: String?
        public var rawSource: String?
        public var rawLine: Int?
        public var pictures: [PictureEvidence]

        enum CodingKeys: String, CodingKey {
            case platform, url, role, pictures
            case itemID = "item_id"
            case rawSHA256 = "raw_sha256"
            case rawSource = "raw_source"
            case rawLine = "raw_line"
        }
    }

    public struct PictureEvidence: Codable, Sendable, Hashable {
        public var url: String
        public var sha256: String?
        public var pdq: String?
    }

    public var brand: String
    public var platform: String
    /// Where the platform takes such notices.
    public var channel: String
    public var rightsOwner: String
    public var trademarks: [RightsHolder.Trademark]
    public var infringingURL: String
    public var itemID: String
    public var subject: String
    public var evidence: [Evidence]
    /// The full notice, plain text.
    public var text: String
    public var draftedAt: String

    enum CodingKeys: String, CodingKey {
        case brand, platform, channel, trademarks, subject, evidence, text
        case rightsOwner = "rights_owner"
        case infringingURL = "infringing_url"
        case itemID = "item_id"
        case draftedAt = "drafted_at"
    }
}

extension RightsHolder.Trademark: Encodable {
    enum CodingKeys: String, CodingKey { case mark, office, number, classes }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mark, forKey: .mark)
        try container.encodeIfPresent(office, forKey: .office)
        try container.encodeIfPresent(number, forKey: .number)
        try container.encodeIfPresent(classes, forKey: .classes)
    }
}

public enum NoticeDrafter {
    /// The reporting channel each platform provides for trademark and counterfeit complaints.
    public static func channel(for platform: String) -> String {
        switch platform {
        case "amazon": "Amazon — Report Infringement form (Brand Registry: Report a Violation), category: counterfeit / trademark"
        case "ebay": "eBay VeRO Program — Notice of Claimed Infringement (NOCI)"
        case "etsy": "Etsy — Intellectual Property Infringement Report (trademark)"
        case "instagram": "Instagram (Meta) — Trademark / Counterfeit report form, Intellectual Property help center"
        case "tiktok": "TikTok — Intellectual Property Infringement Report (trademark)"
        case "x": "X — Trademark policy report / counterfeit goods report"
        case "pinterest": "Pinterest — Trademark complaint / counterfeit report form"
        case "aliexpress": "Alibaba Group Intellectual Property Protection platform (IPP), AliExpress"
        case "shopify": "Shopify — Intellectual property infringement report (Shopify Legal), and the store's host"
        default: "the platform's trademark / counterfeit reporting channel"
        }
    }

    static func platformName(_ platform: String) -> String {
        switch platform {
        case "x": "X"
        case "aliexpress": "AliExpress"
        case "tiktok": "TikTok"
        case "ebay": "eBay"
        default: platform.prefix(1).uppercased() + platform.dropFirst()
        }
    }

    static func describe(_ signal: SignalName) -> String {
        switch signal {
        case .brandTerm: "the brand name is used"
        case .product: "a product name of the brand is used"
        case .counterfeitTerm: "words that advertise a copy are used"
        case .priceUnderFloor: "the price is far under the genuine product's retail price"
        case .authorizedAccount: "the account is an authorized one"
        case .excluded: "an excluded term covers the match"
        case .imageMatch: "an official picture of the brand is reused"
        case .imagePartMatch: "an official picture or the logo appears inside the picture"
        case .sameImage: "the same picture is shown by both items"
        case .linksTo: "one item links to the other"
        case .sameContact: "both give the same contact"
        case .similarHandle: "the accounts have near-identical names"
        case .linkInBio: "the account's bio or website links to it"
        }
    }

    /// `instagram:178956…` as `Instagram 178956…`.
    static func itemName(_ key: String) -> String {
        guard let colon = key.firstIndex(of: ":") else { return key }
        return platformName(String(key[..<colon])) + " " + key[key.index(after: colon)...]
    }

    /// Drafts the notice for `detail`'s finding. `holder` comes from the brand's
    /// profile; without one, placeholders mark what the attorney must fill in.
    public static func draft(_ detail: FindingDetail, holder: RightsHolder?, draftedAt: String) -> TakedownNotice {
        let finding = detail.finding
        let item = detail.item
        let owner = holder?.owner ?? holder?.name.appending(" (rights owner: complete from the profile)") ?? "[RIGHTS OWNER]"
        let brandName = holder?.name ?? finding.brand
        let trademarks = holder?.trademarks ?? []
        let url = finding.url ?? item.url ?? "[URL of the \(finding.kind.rawValue) on \(platformName(finding.platform))]"
        let platform = platformName(finding.platform)
        let channel = channel(for: finding.platform)

        var evidence: [TakedownNotice.Evidence] = []
        func pictures(_ list: [Picture]) -> [TakedownNotice.PictureEvidence] {
            list.map { TakedownNotice.PictureEvidence(url: $0.url, sha256: $0.sha256, pdq: $0.pdq) }
        }
        evidence.append(.init(
            platform: item.platform, itemID: item.itemID, url: url, role: "reported \(item.kind.rawValue)",
            rawSHA256: item.raw?.sha256, rawSource: item.raw?.source, rawLine: item.raw?.line, pictures: pictures(item.pictures)))
        // Members judged clean (the brand's own accounts, unrelated items that share a
        // picture) are not part of the operation: they stay out of the notice.
        let implicated = Set((detail.cluster?.members ?? []).filter { $0.severity > .none }.map { Item.key(platform: $0.platform, itemID: $0.itemID) })
            .union([item.key])
        for member in detail.cluster?.members ?? [] where member.severity > .none && !(member.platform == item.platform && member.itemID == item.itemID) {
            evidence.append(.init(
                platform: member.platform, itemID: member.itemID, url: member.url,
                role: "linked \(member.kind.rawValue) (\(member.severity.rawValue))",
                rawSHA256: member.rawSHA256, rawSource: member.rawSource, rawLine: member.rawLine, pictures: pictures(member.pictures)))
        }

        let subject = "Notice of trademark infringement and counterfeit goods — \(platform) \(finding.kind.rawValue) \(finding.itemID) (\(brandName))"
        var lines: [String] = []
        func add(_ line: String = "") { lines.append(line) }

        add("DRAFT prepared by Touchstone on \(draftedAt) — for review and signature by the rights owner or its attorney. Nothing has been sent.")
        add()
        add("To: \(channel)")
        add("Subject: \(subject)")
        add()
        add("Dear \(platform) Intellectual Property team,")
        add()
        add("I write on behalf of \(owner), the owner of the trademarks listed below, to report a \(finding.kind.rawValue) on \(platform) that uses those trademarks without authorization and, on the evidence below, offers or promotes counterfeit \(brandName) goods. We ask that you remove it or disable access to it.")
        add()
        add("1. Rights owner and trademarks")
        add()
        add("   Rights owner: \(owner)")
        if trademarks.isEmpty {
            add("   Trademarks:   [MARK, OFFICE, REGISTRATION NUMBER, CLASSES — none listed in the \(finding.brand) profile]")
        } else {
            for mark in trademarks {
                var parts = [mark.mark]
                if let office = mark.office { parts.append(office) }
                if let number = mark.number { parts.append("Reg. No. \(number)") }
                if let classes = mark.classes, !classes.isEmpty {
                    parts.append((classes.count == 1 ? "Class " : "Classes ") + classes.map(String.init).joined(separator: ", "))
                }
                add("   - " + parts.joined(separator: ", "))
            }
        }
        add()
        add("2. The infringing \(finding.kind.rawValue)")
        add()
        add("   URL:        \(url)")
        add("   Platform:   \(platform), item id \(finding.itemID)")
        if let account = item.account?.handle ?? item.account?.displayName ?? item.account?.id {
            add("   Account:    \(account)\(item.account?.id.map { $0 != account ? " (id \($0))" : "" } ?? "")")
        }
        if let title = item.title, !title.isEmpty { add("   Title:      \(title)") }
        if let price = item.price { add("   Price:      \(price.amount)\(price.currency.map { " " + $0 } ?? "")") }
        if let posted = item.postedAt { add("   Posted:     \(posted)") }
        if let captured = item.raw?.capturedAt { add("   Captured:   \(captured)") }
        add()
        add("3. Why it infringes")
        add()
        let reasons = finding.reasons.filter { $0.signal != .authorizedAccount && $0.signal != .excluded }
        // Cross-link passes the risk of linked items on as reasons that start with "via":
        // they describe what the linked items show, not this item.
        let inherited = reasons.filter { $0.detail.hasPrefix("via ") }
        let own = reasons.filter { !$0.detail.hasPrefix("via ") }
        if reasons.isEmpty {
            add("   - [Describe the infringement: no automated reason was recorded.]")
        }
        for reason in own {
            add("   - \(describe(reason.signal).prefix(1).uppercased() + describe(reason.signal).dropFirst()): \(reason.detail)")
        }
        if !inherited.isEmpty {
            add("   - It is promoted by, or sold through, items that show the following (the \(finding.kind.rawValue) itself may look generic):")
            for reason in inherited {
                add("     · \(describe(reason.signal)): \(reason.detail.dropFirst(4))")
            }
        }
        add("   - \(owner) has not authorized this seller or account to use its trademarks.")
        let edges = (detail.cluster?.edges ?? []).filter { implicated.contains($0.from) && implicated.contains($0.to) }
        if let cluster = detail.cluster, implicated.count > 1, !edges.isEmpty {
            let platforms = Set(cluster.members.filter { implicated.contains(Item.key(platform: $0.platform, itemID: $0.itemID)) }.map(\.platform))
            add()
            add("   This \(finding.kind.rawValue) is one part of a coordinated operation across \(platforms.sorted().map(platformName).joined(separator: ", ")): items that look unremarkable alone are tied together as follows.")
            for edge in edges.prefix(12) {
                add("   - \(itemName(edge.from)) → \(itemName(edge.to)): \(describe(edge.signal)) (\(edge.detail))")
            }
            if edges.count > 12 { add("   - … and \(edges.count - 12) further links, listed in the evidence file.") }
        }
        add()
        add("4. Preserved evidence")
        add()
        add("   Each item below was captured as the platform's own API returned it; the SHA-256 of the untouched record and of each picture lets you verify that the evidence is unchanged.")
        for (index, entry) in evidence.enumerated() {
            add()
            add("   [\(index + 1)] \(platformName(entry.platform)) \(entry.itemID) — \(entry.role)")
            if let url = entry.url { add("       URL:            \(url)") }
            if let sha = entry.rawSHA256 {
                var origin = ""
                if let source = entry.rawSource { origin = " (\(source)\(entry.rawLine.map { ", line \($0)" } ?? ""))" }
                add("       Record SHA-256: \(sha)\(origin)")
            }
            for picture in entry.pictures {
                add("       Picture:        \(picture.url)")
                if let sha = picture.sha256 { add("         SHA-256:      \(sha)") }
                if let pdq = picture.pdq { add("         PDQ hash:     \(pdq)") }
            }
        }
        add()
        add("5. Request")
        add()
        add("   Please remove the \(finding.kind.rawValue) at the URL above or disable access to it, and preserve the records of the account behind it. If the same seller offers other goods bearing these trademarks, we ask that you review those as well.")
        add()
        add("6. Statements")
        add()
        add("   I have a good-faith belief that the use of the trademarks described above, in the manner complained of, is not authorized by the trademark owner, its agent or the law.")
        add("   The information in this notice is accurate, and I am the owner of the trademarks or authorized to act on the owner's behalf.")
        add()
        add("Signed: [NAME]")
        add("        [TITLE / FIRM], on behalf of \(owner)")
        add("        [POSTAL ADDRESS]")
        add("        [EMAIL] · [PHONE]")
        add("Date:   [DATE]")

        return TakedownNotice(
            brand: finding.brand, platform: finding.platform, channel: channel, rightsOwner: owner, trademarks: trademarks,
            infringingURL: url, itemID: finding.itemID, subject: subject, evidence: evidence,
            text: lines.joined(separator: "\n") + "\n", draftedAt: draftedAt)
    }
}
