import Foundation

import TouchstoneCore

/// Instagram Graph API: a media object, or a business discovery object
/// (its account as one item, and one item per media).
enum InstagramAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        guard let discovery = try root.object("business_discovery") else {
            return [try media(root, account: nil, context)]
        }
        let username = try discovery.requiredString("username")
        guard !username.trimmingSpaces().isEmpty else {
            throw JSONFieldError(path: "business_discovery.username", reason: "expected a non-empty username")
        }
        let account = Account(
            id: try discovery.id("id"), handle: username, displayName: try discovery.string("name"),
            bio: try discovery.string("biography"), website: try discovery.string("website")?.nonBlank)
        try discovery.checkNumber("followers_count")
        var draft = ItemDraft(platform: "instagram", itemID: username, kind: .account, context: context)
        draft.url = "https://www.instagram.com/\(username)/"
        draft.title = account.displayName
        draft.text = account.bio
        draft.setAccount(account)
        draft.addPicture(try discovery.string("profile_picture_url"), context: context)
        var items = [draft.finish()]
        for media in try discovery.array("media.data") {
            items.append(try self.media(media, account: account, context))
        }
        return items
    }

    static func media(_ media: TapeCursor, account: Account?, _ context: RawContext) throws -> Item {
        _ = try media.asObject()
        let id = try media.requiredID("id")
        var draft = ItemDraft(platform: "instagram", itemID: id, kind: .post, context: context)
        draft.url = try media.string("permalink")?.nonBlank
        let username = try media.string("username")
        if var account {
            if let username, account.handle == nil { account.handle = username }
            draft.setAccount(account)
        } else if let username {
            draft.setAccount(Account(handle: username))
        }
        if let caption = try media.string("caption") {
            draft.text = HTMLText.decodeEntities(caption)
            draft.evidence.scan(caption, foundIn: "text")
        }
        let type = try media.string("media_type")
        let mediaURL = try media.string("media_url")
        let thumbnail = try media.string("thumbnail_url")
        // A video's media_url is the video; its thumbnail is the picture.
        if type == "VIDEO" {
            draft.addPicture(thumbnail, context: context)
        } else {
            draft.addPicture(mediaURL, context: context)
            draft.addPicture(thumbnail, context: context)
        }
        for child in try media.array("children.data") {
            let childType = try child.string("media_type")
            draft.addPicture(childType == "VIDEO" ? try child.string("thumbnail_url") : try child.string("media_url"), context: context)
        }
        try media.checkNumber("like_count")
        try media.checkNumber("comments_count")
        draft.postedAt = try media.time("timestamp")
        return draft.finish()
    }
}

/// X API v2 response: one item per tweet of `data`, author and media from `includes`.
enum XAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        let data = try root.required("data")
        let tweets: [TapeCursor]
        switch data.value {
        case .array: tweets = try data.asArray()
        case .object: tweets = [data]
        default: throw data.typeError("a tweet object or an array of them")
        }
        var users = SmallMap<Account>()
        try root.forEach(in: "includes.users") { user in
            let id = try user.requiredID("id")
            users.set(id, Account(id: id, handle: try user.requiredString("username"), displayName: try user.string("name"),
                                  bio: try user.string("description").map(HTMLText.decodeEntities), website: try user.string("url")?.nonBlank))
        }
        var media = SmallMap<String>()
        try root.forEach(in: "includes.media") { item in
            let key = try item.requiredString("media_key")
            try item.checkRequiredString("type")
            if let url = try item.string("url") ?? item.string("preview_image_url") { media.set(key, url) }
        }
        return try tweets.map { try tweet($0, users: users, media: media, context) }
    }

    static func tweet(_ tweet: TapeCursor, users: SmallMap<Account>, media: SmallMap<String>, _ context: RawContext) throws -> Item {
        _ = try tweet.asObject()
        let id = try tweet.requiredID("id")
        let text = try tweet.requiredString("text")
        var draft = ItemDraft(platform: "x", itemID: id, kind: .post, context: context)
        let authorID = try tweet.id("author_id")
        let author = authorID.flatMap { users[$0] } ?? authorID.map { Account(id: $0) }
        draft.setAccount(author)
        if let handle = author?.handle {
            draft.url = "https://x.com/\(handle)/status/\(id)"
        } else {
            draft.url = "https://x.com/i/web/status/\(id)"
        }
        // X escapes &, < and > in tweet text.
        draft.text = HTMLText.decodeEntities(text)
        // In the order found, once each.
        var shortened: [String] = []
        var seenShort = SeenSet<String>()
        try tweet.forEach(in: "entities.urls") { url in
            if let short = try url.string("url"), seenShort.insert(short).inserted { shortened.append(short) }
            if let expanded = try url.string("expanded_url") ?? url.string("url") { draft.evidence.addLink(expanded, foundIn: "entities") }
        }
        try tweet.forEach(in: "entities.hashtags") { tag in draft.evidence.addHashtag(try tag.requiredString("tag")) }
        try tweet.forEach(in: "entities.mentions") { mention in draft.evidence.addMention(try mention.requiredString("username")) }
        // Scan the text without the t.co links the entities already expanded.
        var plain = draft.text ?? ""
        for short in shortened { plain = plain.replacingAll(short, with: " ") }
        draft.evidence.scan(plain, foundIn: "text")
        try tweet.forEachString(in: "attachments.media_keys") { key in draft.addPicture(media[key], context: context) }
        draft.postedAt = try tweet.time("created_at")
        return draft.finish()
    }
}

/// TikTok Research API video.
enum TikTokAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        let id = try root.requiredID("id")
        var draft = ItemDraft(platform: "tiktok", itemID: id, kind: .post, context: context, country: try root.string("region_code"))
        let username = try root.string("username")?.nonBlank
        if let username {
            draft.setAccount(Account(handle: username))
            draft.url = "https://www.tiktok.com/@\(username)/video/\(id)"
        } else {
            draft.url = "https://www.tiktok.com/video/\(id)"
        }
        try root.forEachString(in: "hashtag_names") { tag in draft.evidence.addHashtag(tag) }
        if let description = try root.string("video_description") {
            draft.text = HTMLText.decodeEntities(description)
            draft.evidence.scan(description, foundIn: "text")
        }
        draft.addPicture(try root.string("cover_image_url"), context: context)
        try root.checkNumber("like_count")
        try root.checkNumber("view_count")
        draft.postedAt = try root.time("create_time")
        return [draft.finish()]
    }
}

/// Pinterest API v5 pin.
enum PinterestAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        let id = try root.requiredID("id")
        var draft = ItemDraft(platform: "pinterest", itemID: id, kind: .post, context: context)
        draft.url = "https://www.pinterest.com/pin/\(id)/"
        draft.title = try root.string("title").map(HTMLText.decodeEntities)
        draft.text = try root.string("description").map(HTMLText.decodeEntities)
        if let owner = try root.string("board_owner.username")?.nonBlank { draft.setAccount(Account(handle: owner)) }
        if let link = try root.string("link")?.nonBlank { draft.evidence.addLink(link, foundIn: "url") }
        if let title = draft.title { draft.evidence.scan(title, foundIn: "text") }
        if let text = draft.text { draft.evidence.scan(text, foundIn: "text") }
        // media.images is keyed by size name ("150x150", "1200x", "originals"); the largest wins.
        if let images = try root.object("media.images") {
            var best: (area: Int, url: String)?
            for member in images.members() {
                let image = member.value
                guard let url = try image.string("url") else { continue }
                let width = Int(try image.numberText("width") ?? "") ?? 0
                let height = Int(try image.numberText("height") ?? "") ?? 0
                var area = width * max(height, 1)
                if area == 0 { area = member.key == "originals" ? Int.max : Int(member.key.prefix { $0.isNumber }) ?? 0 }
                if best == nil || area > best!.area { best = (area, url) }
            }
            draft.addPicture(best?.url, context: context)
        }
        draft.postedAt = try root.time("created_at")
        return [draft.finish()]
    }
}

/// The canonical item itself, for sources with no adapter.
enum GenericAdapter {
    static func items(_ root: TapeCursor, _ context: RawContext) throws -> [Item] {
        let platform = try root.requiredString("platform")
        guard !platform.isEmpty, platform.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
            throw JSONFieldError(path: "platform", reason: "expected a lower-case platform name, found '\(platform)'")
        }
        let itemID = try root.requiredID("item_id")
        let kind = try kind(of: root) ?? .post
        var draft = ItemDraft(platform: platform, itemID: itemID, kind: kind, context: context, country: try root.string("country"))
        draft.url = try root.string("url")?.nonBlank
        draft.title = try root.string("title")
        draft.text = try root.string("text").map(HTMLText.plainText(fromHTML:))
        if let price = try root.object("price") {
            guard let amount = try price.amount("amount") else { throw JSONFieldError(path: "price.amount", reason: "required field is missing") }
            draft.price = Price(amount: amount, currency: try price.currency("currency"))
        }
        if let account = try root.object("account") {
            draft.setAccount(Account(id: try account.id("id"), handle: try account.string("handle"), displayName: try account.string("display_name"),
                                     bio: try account.string("bio"), website: try account.string("website")))
        }
        for picture in try root.array("pictures") {
            if case .string(let url) = picture.value { draft.addPicture(url, context: context) } else { draft.addPicture(try picture.requiredString("url"), context: context) }
        }
        for link in try root.array("links") {
            if case .string(let url) = link.value { draft.evidence.addLink(url, foundIn: "entities") } else {
                draft.evidence.addLink(try link.requiredString("url"), foundIn: try link.string("found_in") ?? "entities")
            }
        }
        for tag in try root.strings("hashtags") { draft.evidence.addHashtag(tag) }
        for mention in try root.strings("mentions") { draft.evidence.addMention(mention) }
        for contact in try root.array("contacts") {
            let kindText = try contact.requiredString("kind")
            guard let kind = Contact.Kind(rawValue: kindText) else {
                throw JSONFieldError(path: contact.path + ".kind", reason: "expected phone, whatsapp, email or telegram, found '\(kindText)'")
            }
            draft.evidence.addContact(kind, try contact.requiredString("value"))
        }
        if let title = draft.title { draft.evidence.scan(title, foundIn: "text") }
        if let text = draft.text { draft.evidence.scan(text, foundIn: "text") }
        draft.postedAt = try root.time("posted_at")
        return [draft.finish()]
    }

    /// The generic line's `kind`, which also picks its raw topic at ingest.
    static func kind(of root: TapeCursor) throws -> ItemKind? {
        guard let field = try root.field("kind") else { return nil }
        let text = try field.asString()
        guard let kind = ItemKind(rawValue: text) else {
            throw JSONFieldError(path: "kind", reason: "expected post, listing or account, found '\(text)'")
        }
        return kind
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        // CR is left out: Foundation treats CR LF as one character. ASCII is replaced on the bytes in place.
        let onBytes: String?? = withBytes { text in
            target.withBytes { pattern in
                guard isOneCharacterPerByte(text), isOneCharacterPerByte(pattern) else { return .none }
                guard text.count >= pattern.count else { return .some(nil) }
                return replacement.withBytes { replacement in
                    var out: [UInt8] = []
                    out.reserveCapacity(text.count)
                    var i = 0
                    var start = 0
                    while i + pattern.count <= text.count {
                        if text[i] == pattern[0], memcmp(text.baseAddress! + i, pattern.baseAddress!, pattern.count) == 0 {
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<i]))
                            out.append(contentsOf: replacement)
                            i += pattern.count
                            start = i
                        } else {
                            i += 1
                        }
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
                    return .some(String(decoding: out, as: UTF8.self))
                }
            }
        }
        if let onBytes { return onBytes ?? self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

/// A few keyed values (an X page's users and media), found by a linear scan: hashing cost
/// more than the lookups for the one or two of a usual page. Past 16 it is a `Dictionary`,
/// so that a hostile page stays linear. Setting a key again replaces its value.
struct SmallMap<Value> {
    private var keys: [String] = []
    private var values: [Value] = []
    private var many: [String: Value]?

    subscript(key: String) -> Value? {
        if let many { return many[key] }
        guard let i = keys.firstIndex(of: key) else { return nil }
        return values[i]
    }

    mutating func set(_ key: String, _ value: Value) {
        if many != nil {
            many![key] = value
        } else if let i = keys.firstIndex(of: key) {
            values[i] = value
        } else if keys.count < 16 {
            keys.appendReserving(key)
            values.appendReserving(value)
        } else {
            var all = Dictionary(uniqueKeysWithValues: zip(keys, values))
            all[key] = value
            many = all
        }
    }
}
