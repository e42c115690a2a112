import BrandProfiles
import Foundation
import TouchstoneCore

extension TextMatcher {
    /// The text fields of an item that are scanned, with their field names.
    /// Hashtags and mentions the text does not already contain are scanned as `#tag` / `@name`
    /// (spans then count from the tag itself, without the `#` or `@`).
    func textFields(of item: Item) -> [(field: String, text: String, prefix: Int)] {
        var fields: [(String, String, Int)] = []
        if let title = item.title, !title.isEmpty { fields.append(("title", title, 0)) }
        if let text = item.text, !text.isEmpty { fields.append(("text", text, 0)) }
        if let account = item.account {
            if let handle = account.handle, !handle.isEmpty {
                fields.append(("account.handle", "@" + (handle.hasPrefix("@") ? String(handle.dropFirst()) : handle), 1))
            }
            if let name = account.displayName, !name.isEmpty { fields.append(("account.display_name", name, 0)) }
            if let bio = account.bio, !bio.isEmpty { fields.append(("account.bio", bio, 0)) }
        }
        let body = ((item.title ?? "") + " " + (item.text ?? "")).lowercased()
        for (index, tag) in item.hashtags.enumerated() where !body.contains("#" + tag.lowercased()) {
            fields.append(("hashtags[\(index)]", "#" + tag, 1))
        }
        for (index, mention) in item.mentions.enumerated() where !body.contains("@" + mention.lowercased()) {
            fields.append(("mentions[\(index)]", "@" + mention, 1))
        }
        return fields
    }

    /// Every signal of every profile for an item (BRANDS.md names), in a stable order.
    ///
    /// Rules at item level:
    /// - a brand term or product inside an `exclude_terms` match is dropped and an `excluded` signal says why;
    /// - a product name made only of ordinary words (`Tank`, `Juste un Clou`) counts only with brand
    ///   context: a brand term, a picture match or an authorized account of the same brand in the item;
    /// - counterfeit terms and a price under the floor are signs about a brand only when the item is
    ///   about that brand (brand context or a product name);
    /// - profiles that list `platforms` only judge items of those platforms, unless `ignoringPlatforms`.
    public func signals(for item: Item, ignoringPlatforms: Bool = false) -> [Signal] {
        var perField: [(field: String, prefix: Int, findings: [TextFinding])] = []
        for (field, text, prefix) in textFields(of: item) {
            perField.append((field, prefix, findings(in: text)))
        }
        var signals: [Signal] = []
        for (brandIndex, profile) in profiles.enumerated() {
            guard ignoringPlatforms || profile.watches(platform: item.platform) else { continue }
            var brandSignals: [Signal] = []
            var productSignals: [(Signal, Bool)] = []
            var counterfeitSignals: [Signal] = []
            var excluded: [Signal] = []
            var context = false
            for (field, prefix, findings) in perField {
                let mine = findings.filter { $0.brand == brandIndex || ($0.brand == nil && $0.signal == .counterfeitTerm) }
                let excludes = mine.filter { $0.signal == .excluded }
                for finding in Self.longestOnly(mine) {
                    var signal = Signal(
                        brand: profile.id, signal: finding.signal, rule: finding.rule, field: field,
                        span: finding.span.map { max(0, $0 - prefix) }, matched: finding.matched,
                        normalized: finding.normalized, detail: finding.detail)
                    switch finding.signal {
                    case .excluded:
                        excluded.append(signal)
                    case .brandTerm, .product:
                        if excludes.contains(where: { $0.compactRange.overlaps(finding.compactRange) }) { continue }
                        if finding.signal == .brandTerm {
                            context = true
                            brandSignals.append(signal)
                        } else {
                            if finding.needsContext {
                                signal.detail = (signal.detail.map { $0 + "; " } ?? "") + "ordinary word: counted with brand context"
                            }
                            productSignals.append((signal, finding.needsContext))
                        }
                    case .counterfeitTerm:
                        counterfeitSignals.append(signal)
                    default:
                        break
                    }
                }
            }
            var pictureSignals: [Signal] = []
            for (index, picture) in item.pictures.enumerated() {
                for match in picture.matches ?? [] where match.brand == profile.id {
                    pictureSignals.append(Signal(
                        brand: profile.id, signal: match.region == nil ? .imageMatch : .imagePartMatch, rule: "pdq",
                        field: "pictures[\(index)]", normalized: match.reference,
                        detail: "PDQ distance \(match.distance) to \(match.reference) (\(match.transform))"
                            + (match.region.map { ", region \($0.map(String.init).joined(separator: ","))" } ?? "")))
                }
            }
            let authorized = authorizedSignal(profile, item)
            context = context || !pictureSignals.isEmpty || authorized != nil
            let products = productSignals.filter { !$0.1 || context }.map(\.0)
            let aboutBrand = context || !products.isEmpty
            var price: Signal?
            if aboutBrand { price = priceSignal(profile, item) }
            signals += brandSignals + products
            if aboutBrand { signals += counterfeitSignals }
            signals += pictureSignals
            if let price { signals.append(price) }
            if let authorized { signals.append(authorized) }
            signals += excluded
        }
        return signals
    }

    /// The signals for a bare text, as `brands test --text` shows them (every profile, any platform).
    public func signals(inText text: String) -> [Signal] {
        signals(for: Item(platform: "text", itemID: "text", kind: .post, text: text), ignoringPlatforms: true)
    }

    /// Drops a finding whose range lies inside another finding of the same brand and signal (keeps `Louis Vuitton`, not `Vuitton` in it).
    static func longestOnly(_ findings: [TextFinding]) -> [TextFinding] {
        var kept: [TextFinding] = []
        let sorted = findings.sorted {
            ($0.compactRange.lowerBound, -$0.compactRange.count, $0.rule == "typo" ? 1 : 0)
                < ($1.compactRange.lowerBound, -$1.compactRange.count, $1.rule == "typo" ? 1 : 0)
        }
        for finding in sorted {
            let covered = kept.contains { other in
                other.signal == finding.signal
                    && other.compactRange.lowerBound <= finding.compactRange.lowerBound
                    && other.compactRange.upperBound >= finding.compactRange.upperBound
            }
            if !covered { kept.append(finding) }
        }
        return kept.sorted { $0.span.first ?? 0 < $1.span.first ?? 0 }
    }

    func authorizedSignal(_ profile: BrandProfile, _ item: Item) -> Signal? {
        guard let account = item.account else { return nil }
        let platform = item.platform.lowercased()
        for entry in profile.authorized where entry.platform == platform {
            let wanted = entry.account.lowercased()
            if let handle = account.handle, handle.lowercased().trimmingCharacters(in: ["@"]) == wanted {
                return Signal(brand: profile.id, signal: .authorizedAccount, rule: "account", field: "account.handle",
                              matched: handle, normalized: entry.account, detail: "authorized \(entry.platform) account")
            }
            if let id = account.id, id.lowercased() == wanted {
                return Signal(brand: profile.id, signal: .authorizedAccount, rule: "seller-id", field: "account.id",
                              matched: id, normalized: entry.account, detail: "authorized \(entry.platform) seller")
            }
        }
        return nil
    }

    func priceSignal(_ profile: BrandProfile, _ item: Item) -> Signal? {
        guard let floor = profile.retail?.floor, let price = item.price, let amount = price.decimalAmount else { return nil }
        guard let currency = price.currency, let itemUSD = rates.usd(amount, currency: currency),
              let floorUSD = rates.usd(floor.amount, currency: floor.currency) else { return nil }
        guard itemUSD < floorUSD else { return nil }
        func text(_ value: Decimal) -> String {
            var value = value
            var rounded = Decimal()
            NSDecimalRound(&rounded, &value, 2, .plain)
            return "\(rounded)"
        }
        let detail = currency.uppercased() == floor.currency
            ? "\(price.amount) \(currency.uppercased()) under the retail floor \(floor.amount) \(floor.currency)"
            : "\(price.amount) \(currency.uppercased()) ≈ \(text(itemUSD)) USD under the retail floor \(floor.amount) \(floor.currency) ≈ \(text(floorUSD)) USD (rates of \(rates.date))"
        return Signal(brand: profile.id, signal: .priceUnderFloor, rule: "floor", field: "price",
                      matched: "\(price.amount) \(currency.uppercased())", normalized: "\(floor.amount) \(floor.currency)",
                      detail: detail)
    }
}
