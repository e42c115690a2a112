import TouchstoneCore

extension TapeCursor {
    // These read the field's entry in place (`index(of:)`): a cursor per lookup retained and
    // released the tape, and the path is only spelled out for an error.

    /// An ISO 4217 code at `dotted`, upper-cased; nil when absent; an error naming the field when malformed.
    func currency(_ dotted: StaticString) throws -> String? {
        guard let i = try index(of: dotted) else { return nil }
        let text = try string(at: i)
        guard let code = currencyCode(text) else {
            throw JSONFieldError(path: sibling(i).path, reason: "expected an ISO 4217 currency code (3 letters), found '\(text)'")
        }
        return code
    }

    /// A decimal amount at `dotted` (number or numeric string); nil when absent.
    func amount(_ dotted: StaticString) throws -> String? {
        guard let i = try index(of: dotted) else { return nil }
        let text: String
        switch tape.kind(i) {
        case .number:
            text = tape.text(i)
            // A JSON number without an exponent is already the decimal text `decimalAmount` would give.
            if !text.utf8.contains(where: { $0 | 0x20 == UInt8(ascii: "e") }) { return text }
        case .string:
            text = tape.text(i)
        default:
            throw sibling(i).typeError("a price (number or decimal string)")
        }
        guard let amount = decimalAmount(text) else {
            throw JSONFieldError(path: sibling(i).path, reason: "expected a decimal price, found '\(text)'")
        }
        return amount
    }

    /// A time at `dotted`: ISO 8601 text or Unix seconds; nil when absent.
    func time(_ dotted: StaticString) throws -> String? {
        guard let i = try index(of: dotted) else { return nil }
        switch tape.kind(i) {
        case .number:
            let n = tape.text(i)
            guard let t = Timestamps.fromUnixSeconds(n) else { throw JSONFieldError(path: sibling(i).path, reason: "expected Unix seconds, found \(n)") }
            return t
        case .string:
            // ISO 8601 read from the line's bytes when the text has no escapes (no String made for it).
            let entry = tape.entries[i]
            if !entry.flag, let t = tape.bytes.withUnsafeBufferPointer({ Timestamps.iso8601(UnsafeBufferPointer(rebasing: $0[entry.start..<entry.end])) }) {
                return t
            }
            let s = tape.text(i)
            if let t = Timestamps.iso8601(s) ?? Timestamps.fromUnixSeconds(s) { return t }
            throw JSONFieldError(path: sibling(i).path, reason: "expected an ISO 8601 time, found '\(s)'")
        default:
            throw sibling(i).typeError("a time (ISO 8601 string or Unix seconds)")
        }
    }

    /// Checks a field the item does not use as ``numberText(_:)`` reads it, without making its text.
    func checkNumber(_ dotted: StaticString) throws {
        guard let i = try index(of: dotted), tape.kind(i) != .number else { return }
        _ = try sibling(i).asNumberText()
    }

    /// Checks a field the item does not use as ``string(_:)`` reads it, without making its text.
    func checkString(_ dotted: StaticString) throws {
        guard let i = try index(of: dotted) else { return }
        guard tape.kind(i) == .string else { throw sibling(i).typeError("a string") }
    }

    /// Checks a field the item does not use as ``requiredString(_:)`` reads it, without making its text.
    func checkRequiredString(_ dotted: StaticString) throws {
        let i = try requiredIndex(dotted)
        guard tape.kind(i) == .string else { throw sibling(i).typeError("a string") }
    }
}

/// Amazon Product Advertising API 5 item (GetItems / SearchItems).
enum AmazonAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        let asin = try root.requiredID("ASIN")
        var draft = ItemDraft(platform: "amazon", itemID: asin, kind: .listing, context: context)
        let url = try root.string("DetailPageURL")?.nonBlank
        draft.url = url ?? "https://www.amazon.com/dp/\(asin)"
        draft.title = try root.string("ItemInfo.Title.DisplayValue").map(HTMLText.decodeEntities)
        var lines = try root.strings("ItemInfo.Features.DisplayValues").map(HTMLText.decodeEntities)
        if let brand = try root.string("ItemInfo.ByLineInfo.Brand.DisplayValue") { lines.append("Brand: \(brand)") }
        if let maker = try root.string("ItemInfo.ByLineInfo.Manufacturer.DisplayValue") { lines.append("Manufacturer: \(maker)") }
        draft.text = lines.isEmpty ? nil : lines.joined(separator: "\n")
        draft.addPicture(try root.string("Images.Primary.Large.URL"), context: context)
        try root.forEach(in: "Images.Variants") { variant in draft.addPicture(try variant.string("Large.URL"), context: context) }
        let listings = try root.array("Offers.Listings")
        if let offer = listings.first {
            if let amount = try offer.amount("Price.Amount") {
                draft.price = Price(amount: amount, currency: try offer.currency("Price.Currency"))
            }
            let merchant = Account(id: try offer.id("MerchantInfo.Id"), displayName: try offer.string("MerchantInfo.Name"))
            draft.setAccount(merchant)
        }
        for listing in listings.dropFirst() { _ = try listing.amount("Price.Amount"); _ = try listing.currency("Price.Currency") }
        if let title = draft.title { draft.evidence.scan(title, foundIn: "text") }
        if let text = draft.text { draft.evidence.scan(text, foundIn: "text") }
        return [draft.finish()]
    }
}

/// eBay Browse API itemSummary / item.
enum EbayAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        let itemID = try root.requiredID("itemId")
        let country = try root.string("itemLocation.country")
        var draft = ItemDraft(platform: "ebay", itemID: itemID, kind: .listing, context: context, country: country)
        draft.url = try root.string("itemWebUrl")?.nonBlank ?? legacyURL(itemID)
        draft.title = try root.string("title").map(HTMLText.decodeEntities)
        let description = try root.string("shortDescription") ?? root.string("description")
        draft.text = description.map(HTMLText.plainText(fromHTML:))?.nonBlank
        if let amount = try root.amount("price.value") {
            draft.price = Price(amount: amount, currency: try root.currency("price.currency"))
        }
        draft.addPicture(try root.string("image.imageUrl"), context: context)
        try root.forEach(in: "additionalImages") { image in draft.addPicture(try image.string("imageUrl"), context: context) }
        if let seller = try root.string("seller.username") {
            draft.setAccount(Account(id: seller, handle: seller))
        }
        try root.checkNumber("seller.feedbackScore")
        _ = try root.field("seller.feedbackPercentage")
        try root.checkString("condition")
        draft.postedAt = try root.time("itemCreationDate")
        if let title = draft.title { draft.evidence.scan(title, foundIn: "text") }
        if let text = draft.text { draft.evidence.scan(text, foundIn: "text") }
        return [draft.finish()]
    }

    /// `https://www.ebay.com/itm/123` for a `v1|123|0` id.
    static func legacyURL(_ itemID: String) -> String? {
        let parts = itemID.split(separator: "|")
        let legacy = parts.count >= 2 ? parts[1] : Substring(itemID)
        guard legacy.allSatisfy({ $0.isASCII && $0.isNumber }), !legacy.isEmpty else { return nil }
        return "https://www.ebay.com/itm/\(legacy)"
    }
}

/// Etsy Open API v3 listing (includes=Images,Shop).
enum EtsyAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        let listingID = try root.requiredID("listing_id")
        var draft = ItemDraft(platform: "etsy", itemID: listingID, kind: .listing, context: context)
        draft.url = try root.string("url")?.nonBlank ?? "https://www.etsy.com/listing/\(listingID)"
        draft.title = try root.string("title").map(HTMLText.plainText(fromHTML:))
        draft.text = try root.string("description").map(HTMLText.plainText(fromHTML:))?.nonBlank
        if let price = try root.object("price") {
            let amount = try price.required("amount").asNumberText()
            let divisor = try price.numberText("divisor") ?? "1"
            guard let value = decimalQuotient(amount: amount, divisor: divisor) else {
                throw JSONFieldError(path: price.path + ".amount", reason: "expected integer amount and positive integer divisor, found \(amount)/\(divisor)")
            }
            draft.price = Price(amount: value, currency: try price.currency("currency_code"))
        }
        let shopID = try root.id("shop_id") ?? root.id("shop.shop_id")
        let shopName = try root.string("shop.shop_name")
        try root.checkString("shop.url")
        if shopID != nil || shopName != nil {
            draft.setAccount(Account(id: shopID, handle: shopName, displayName: try root.string("shop.title") ?? shopName, website: nil))
        }
        try root.forEachString(in: "tags") { tag in draft.evidence.addHashtag(tag) }
        try root.forEach(in: "images") { image in draft.addPicture(try image.string("url_fullxfull"), context: context) }
        draft.postedAt = try root.time("creation_timestamp")
        if let title = draft.title { draft.evidence.scan(title, foundIn: "text") }
        if let text = draft.text { draft.evidence.scan(text, foundIn: "text") }
        return [draft.finish()]
    }
}

/// AliExpress Affiliate API product (product.query / productdetail.get).
enum AliExpressAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        let productID = try root.requiredID("product_id")
        var draft = ItemDraft(platform: "aliexpress", itemID: productID, kind: .listing, context: context)
        draft.url = try root.string("product_detail_url")?.nonBlank ?? "https://www.aliexpress.com/item/\(productID).html"
        draft.title = try root.string("product_title").map(HTMLText.plainText(fromHTML:))
        if let amount = try root.amount("target_sale_price") {
            draft.price = Price(amount: amount, currency: try root.currency("target_sale_price_currency"))
        }
        draft.addPicture(try root.string("product_main_image_url"), context: context)
        // The API wraps the list: {"string": [...]}; some exports flatten it to an array.
        if let small = try root.field("product_small_image_urls") {
            if case .array = small.value {
                for url in try small.asArray() { draft.addPicture(try url.asString(), context: context) }
            } else {
                for url in try small.asObject().strings("string") { draft.addPicture(url, context: context) }
            }
        }
        let shopID = try root.id("shop_id")
        let shopURL = try root.string("shop_url")
        if shopID != nil || shopURL != nil {
            draft.setAccount(Account(id: shopID, handle: nil, displayName: try root.string("shop_name"), website: shopURL))
        }
        if let title = draft.title { draft.evidence.scan(title, foundIn: "text") }
        return [draft.finish()]
    }
}

/// Shopify storefront `products.json` product.
enum ShopifyAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        let productID = try root.requiredID("id")
        var draft = ItemDraft(platform: "shopify", itemID: productID, kind: .listing, context: context)
        let handle = try root.string("handle")?.nonBlank
        let explicitURL = try root.string("url")?.nonBlank ?? root.string("online_store_url")?.nonBlank
        let domain = shopDomain(context: context, url: explicitURL)
        if let explicitURL {
            draft.url = explicitURL
        } else if let domain, let handle {
            draft.url = "https://\(domain)/products/\(handle)"
        }
        draft.title = try root.string("title").map(HTMLText.plainText(fromHTML:))
        draft.text = try root.string("body_html").map(HTMLText.plainText(fromHTML:))?.nonBlank
        let vendor = try root.string("vendor")
        if domain != nil || vendor != nil {
            draft.setAccount(Account(id: domain, handle: domain, displayName: vendor))
        }
        try root.checkString("product_type")
        // products.json has tags as an array; the Admin API as one comma-separated string.
        if let tags = try root.field("tags") {
            if case .string(let joined) = tags.value {
                for tag in joined.split(separator: ",") { draft.evidence.addHashtag(String(tag)) }
            } else {
                for tag in try tags.asArray() { draft.evidence.addHashtag(try tag.asString()) }
            }
        }
        let variants = try root.array("variants")
        for (i, variant) in variants.enumerated() {
            let amount = try variant.amount("price")
            if i == 0, let amount { draft.price = Price(amount: amount, currency: try variant.currency("price_currency")) }
        }
        try root.forEach(in: "images") { image in draft.addPicture(try image.string("src"), context: context) }
        draft.postedAt = try root.time("published_at") ?? root.time("created_at")
        if let title = draft.title { draft.evidence.scan(title, foundIn: "text") }
        if let text = draft.text { draft.evidence.scan(text, foundIn: "text") }
        return [draft.finish()]
    }

    /// The shop's domain: ingest `--source` context (a domain or URL), else the product URL's host.
    static func shopDomain(context: RawContext, url: String?) -> String? {
        for candidate in [context.context, url] {
            guard let candidate = candidate?.trimmingSpaces(), !candidate.isEmpty else { continue }
            if let parsed = ProductLinks.parse(candidate.contains("://") ? candidate : "https://" + candidate) {
                return parsed.host
            }
        }
        return nil
    }
}
