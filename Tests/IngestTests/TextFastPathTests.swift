@testable import Normalize
import Testing
import TouchstoneCore

/// The byte-level fast paths of the text evidence code give what the general
/// (decoded-scalar, Character, dictionary) paths give, on Unicode edge cases.
@Suite struct TextFastPathTests {
    static let texts: [String] = [
        "New drop 🔥 love bracelet #123 style. DM or WhatsApp +44 7700 900123, order via amzn.to/3xY1 #cartier #luxury @jane_1",
        "#dupe #2024 #１２ ＃ｆｏｏ #café #naïve #日本 #DUPE &#hash a/#b #a_b_c #x̃y #٣٤ #Ⅻ foo#bar (#paren) #end.",
        "@Jane_Doe, @jane_doe. @a.b.c.. telegram: @TGuser tg @tg_two Telegram:@tg3 mytelegram @tg4 @ @. @@x (@paren) «@quoted»",
        "mail Sales@Example.COM, mailto:Bob@x.io <a@b.co> bad@.com bad@x. ünï@exämple.com x.y+z@sub.example.org!",
        "line one\r\nline two\r\ncall 020 7946 0958\r\n#tag\r\nwww.example.com/x\r\n@crlf\r\n",
        "nbsp\u{a0}#tag\u{a0}@handle\u{2003}www.em.example/x\u{3000}+33 6 12 34 56 78\u{2028}t.me/chan",
        "combining @\u{301}x #e\u{301}t\u{301}e www.\u{301}example.com/p http://x\u{301}.example/q 06\u{301}12345678",
        "emoji 📞0612345678 ☎ 01234 567890 📱+447700900123 👍🏽 #👍 @👍 wa:447700900123",
        "HTTPS://WWW.EXAMPLE.COM/Path HtTp://Amazon.com/dp/B0C1234567 WWW.ebay.de/itm/123456789012",
        "ǅ ß İstanbul #İstanbul @İ K kelvin.example/x",
        "text 5551234567 or 15551234567 sms: 555 123 4567; viber +7 912 345 67 89",
        "no marks at all here just words",
        "", "#", "@", ".", "/", "+", "(", "12345678", "\r\n", "\u{a0}",
    ]

    func fingerprint(_ e: Evidence) -> String {
        "\(e.links)|\(e.hashtags)|\(e.mentions)|\(e.contacts)"
    }

    @Test func scanOfBytesMatchesScanOfDecodedScalars() {
        for country in [nil, "GB", "us", "IT"] as [String?] {
            for text in Self.texts {
                var fast = Evidence(country: country)
                fast.scan(text, foundIn: "text")
                var general = Evidence(country: country)
                let scalars = Array(text.unicodeScalars)
                var offsets = [0]
                for scalar in scalars { offsets.append(offsets.last! + UTF8.width(scalar)) }
                var utf8 = text
                utf8.withUTF8 { bytes in
                    scalars.withUnsafeBufferPointer { buffer in
                        offsets.withUnsafeBufferPointer { offsets in
                            // Every scanner runs (no skipping by start character) on decoded scalars.
                            general.scan(DecodedScalars(scalars: buffer, offsets: offsets, bytes: bytes), 0xff, foundIn: "text")
                        }
                    }
                }
                #expect(fingerprint(fast) == fingerprint(general), "\(text)")
            }
        }
    }

    static let tokens = ["(@paren)", "\"@dq\"", "@a.b.c..", "@", "@.", "@@x", "'www.single.example'", "*bold.example/z*", "[x.example/y]",
                         "{z.example/w}", "((", "))", "(", "<a@b.co>", "x.", "@Jane_Doe,", "@x-y", "@x!y", "...", "*", "\"'", "@_a_.", "(.)"]

    @Test func tokenTrimmingOnBytesAsOnScalars() {
        for token in Self.tokens + Self.tokens.map({ "«" + $0 + "»" }) {
            // The Character/scalar path, as it was.
            var s = Substring(token).unicodeScalars
            while let f = s.first, "([{\"'<“‘«*¡¿".unicodeScalars.contains(f) { s = s.dropFirst() }
            while let l = s.last, ".,;:!?)]}\"'>”’»*…".unicodeScalars.contains(l) { s = s.dropLast() }
            #expect(token.trimmingPunctuation() == String(s), "\(token)")
            let handle: String? = token.hasPrefix("@") ? String(token.dropFirst().prefix { isHandleCharacter($0) }).trimmingTrailingDots() : nil
            #expect(Evidence.handle(afterAt: token) == handle, "\(token)")
        }
    }

    @Test func lowercasedKeyIsLowercased() {
        for text in ["dupe", "DUPE", "Dupe", "a_b-1", "café", "CAFÉ", "İ", "ß", "ǅ", "K", "x\r\n", "", "#tag", "@x"] {
            #expect(text.lowercasedKey() == text.lowercased(), "\(text)")
        }
    }

    @Test func keywordSearchAsBefore() {
        // The search as it was: bytes for ASCII text without CR, else String.contains.
        func reference(_ text: String, _ word: String) -> Bool {
            if text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0d }) {
                let w = Array(word.utf8)
                guard !w.isEmpty else { return text.contains(word) }
                let bytes = Array(text.utf8)
                guard bytes.count >= w.count else { return false }
                for i in 0...(bytes.count - w.count) where bytes[i..<(i + w.count)].elementsEqual(w) { return true }
                return false
            }
            return text.contains(word)
        }
        let contexts = ["dm or whatsapp ", "call me: ", "tel\r\n", "☎ ", "📞", "téléphone ", "ca\u{301}ll ", "", "wa:", "signal", "text\r\ncall"]
        for context in contexts {
            let search = WordSearch(context)
            for word in Evidence.phoneKeywords + ["whatsapp", "", "all", "l\u{301}"] {
                #expect(search.contains(word) == reference(context, word), "\(context) / \(word)")
            }
        }
    }

    @Test func upperCaseCountryKeptAsIs() {
        for country in ["GB", "gb", "Gb", "ß", "İt", "", "U S"] {
            #expect(Evidence(country: country).country == country.uppercased())
        }
    }

    @Test func packedTagNamesClassifyAsTheSetsDo() {
        var names = Array(HTMLText.blockTags) + Array(HTMLText.inlineTags) + HTMLText.inlineTags.map { "/" + $0 }
        names += ["", "/", "script", "/script", "style", "abbrx", "strongest", "tables", "/tables", "h7", "b1", "abcdefgh", "abcdefghi", "/abcdefgh"]
        for name in names {
            let bytes = Array(name.utf8) + [UInt8(ascii: ">")]
            let tag = bytes.withUnsafeBufferPointer { HTMLText.Tag($0, from: 0, to: bytes.count - 1) }
            let bare = name.hasPrefix("/") ? String(name.dropFirst()) : name
            #expect(tag.isBlock == HTMLText.blockTags.contains(name), "\(name)")
            #expect(tag.isInline == HTMLText.inlineTags.contains(bare), "\(name)")
            #expect((tag == .script) == (name == "script"), "\(name)")
            #expect((tag == .style) == (name == "style"), "\(name)")
        }
    }

    @Test func commonEntitiesDecodeAsTheTableDoes() {
        for name in ["amp", "lt", "gt", "quot", "apos", "nbsp", "ampx", "l", "Amp", "copy"] {
            let bytes = Array(name.utf8)
            let common = bytes.withUnsafeBufferPointer { HTMLText.commonEntity($0) }
            if let common {
                #expect(String(decoding: common, as: UTF8.self) == HTMLText.namedEntities[name], "\(name)")
            } else {
                #expect(!["amp", "lt", "gt", "quot", "apos", "nbsp"].contains(name), "\(name)")
            }
        }
    }

    @Test func entitiesDecodeAlikeOnBytesAndCharacters() {
        // Same text with and without a non-ASCII scalar far from the entities: the byte path and the Character path.
        let samples = ["a &amp; b &lt;3 &quot;q&quot; &apos; &nbsp;x &eacute; &#x1F600; &#128512; &#0; &bogus; &amp &averyverylongname;",
                       "&&amp;;&#;&#x;&lt&gt;", "tail &", "&amp;amp;"]
        for sample in samples {
            let ascii = HTMLText.decodeEntities(sample)
            let unicode = HTMLText.decodeEntities(sample + " é")
            #expect(ascii + " é" == unicode, "\(sample)")
        }
    }

    @Test func linkKeysEqualWhenJoinedStringsAre() {
        let parts = ["text", "text ", "te", "xt", "x t", "", " ", "é", "e\u{301}", "K", "\u{212A}", "https://a.example/x", "a b"]
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in parts {
                        let left = LinkKey(foundIn: a, url: b)
                        let right = LinkKey(foundIn: c, url: d)
                        #expect((left == right) == (a + " " + b == c + " " + d), "\(a)|\(b) vs \(c)|\(d)")
                    }
                }
            }
        }
    }

    @Test func hostLabelsAndDomainsAsBefore() {
        let hosts = ["amazon.co.uk", "smile.amazon.com", "amazonx.com", "ebay.de", "etsy.com", "shop.etsy.com", "xetsy.com", "etsy.com.evil",
                     "aliexpress.com", "x.com", "facebook.com", "tiktok.com", "m.instagram.com", "pinterest.co.uk", "twitter.com", "pinterestx.com", "xx.com", "ebay.etsy.x", "a..b", "", ".", "amazon", "ｅｔｓｙ.com", "éetsy.com", "é.etsy.com"]
        for host in hosts {
            var expected: ProductLinks.Brands = []
            for (brand, flag) in ProductLinks.Brands.all where host.split(separator: ".").contains(where: { $0 == brand }) { expected.insert(flag) }
            #expect(ProductLinks.brands(of: host) == expected, "\(host)")
            #expect(ProductLinks.hostIs(host, under: "etsy.com") == (host == "etsy.com" || host.hasSuffix(".etsy.com")), "\(host)")
        }
    }

    @Test func unixSecondsAsBefore() {
        let cases: [(String, String?)] = [
            ("1700000000", "2023-11-14T22:13:20.000Z"), ("1577909440.123", "2020-01-01T20:10:40.123Z"), ("1.5", "1970-01-01T00:00:01.500Z"),
            ("-1.5", "1969-12-31T23:59:59.500Z"), ("1.", "1970-01-01T00:00:01.000Z"), (".5", nil), ("1.5.", nil), ("1.5\r\n", nil),
            ("1\r\n", nil), ("+7", "1970-01-01T00:00:07.000Z"), ("1.٣", nil), ("1.5\u{301}", nil), ("", nil),
        ]
        for (literal, expected) in cases {
            #expect(Timestamps.fromUnixSeconds(literal) == expected, "\(literal)")
        }
    }

    @Test func plainTextOfBytesMatchesTheStringSteps() {
        let samples = ["<p>Our <strong>best seller</strong> &amp; fan favourite.</p><ul><li>18k plated</li></ul>",
                       "<div>Line<br/>two</div><script>var x='<p>'</script><style>p{}</style><STYLE>q</Style>I <3 it &lt;tag&gt;",
                       "x<b>S</b>antos<i>x</i>y<span>z</span><img src=x>after<!-- c -->d<ABBR>e</ABBR><Strongest>f",
                       "  \n\n  multi   space \t\t tabs \r\n\r\n\r\n lines &nbsp; <br> ", "é <b>x</b> &amp; \u{a0}\u{a0} y"]
        for sample in samples {
            let plain = HTMLText.plainText(fromHTML: sample)
            #expect(plain == HTMLText.collapseWhitespace(plain), "\(sample)")
            #expect(!plain.contains("<b>") && !plain.contains("</"), "\(sample)")
        }
        #expect(HTMLText.plainText(fromHTML: samples[0]) == "Our best seller & fan favourite.\n18k plated")
        #expect(HTMLText.plainText(fromHTML: samples[2]) == "xSantosxyz after de f")
    }
}
