import Foundation
import Ingest
import Normalize
import StreamProcessing
import Testing
import TouchstoneCore
import Transport

/// Writes every output of ingest and normalize for a fixed corpus to the file
/// named by TOUCHSTONE_GOLDEN_DUMP, so two implementations can be diffed byte for byte.
@Suite struct GoldenDumpTests {
    static let tricky: [(String, String)] = [
        ("tiktok", ##"{"id":1,"region_code":"gb","video_description":"Call 020 7946 0958 or (020) 7946-0958, tel: 07700900123; phone +1 (555) 123-4567. WhatsApp 0044 7700 900123 wa:447700900123 ☎ 01234 567890 📞0612345678 $1234567 €1234567 12345678abc 1/2345678 x=1234567"}"##),
        ("tiktok", ##"{"id":2,"region_code":"US","video_description":"text 5551234567 or 15551234567 sms: 555 123 4567; viber +7 912 345 67 89, signal 00 33 6 12 34 56 78 contact: 1234567"}"##),
        ("tiktok", ##"{"id":3,"region_code":"IT","video_description":"chiama 06 1234 5678 cell 0039 06 12345678 mobile: 3 12 34 56 78 90"}"##),
        ("tiktok", ##"{"id":4,"video_description":"#dupe #2024 #１２ ＃ｆｏｏ #café #naïve #日本 #dupe #DUPE &#hash a/#b #a_b_c #x̃y #٣٤ #Ⅻ foo#bar (#paren) #end."}"##),
        ("tiktok", ##"{"id":5,"video_description":"@Jane_Doe, @jane_doe. @a.b.c.. telegram: @TGuser tg @tg_two Telegram:@tg3 mytelegram @tg4 @ @. @@x (@paren) «@quoted» \"@dq\""}"##),
        ("tiktok", ##"{"id":6,"video_description":"mail Sales@Example.COM, mailto:Bob@x.io <a@b.co> bad@.com bad@x. bad@x.c a@b@c.de ünï@exämple.com x.y+z@sub.example.org!"}"##),
        ("tiktok", ##"{"id":7,"video_description":"links: https://www.amazon.co.uk/dp/B0C1234567/ref=x?tag=y, http://amazon.com/gp/product/b0c1234567. www.ebay.de/itm/slug/123456789012?x=1 amzn.to/3xYz (etsy.com/listing/123/x) https://de.aliexpress.com/item/1005001.html; shop.example.com/products/Gold-Cuff.json wa.me/447700900123 https://api.whatsapp.com/send?phone=15551234567&text=hi t.me/LuxDeals t.me/joinchat/abc t.me/+abc https://t.me/s/chan?x HTTPS://WWW.EXAMPLE.COM/Path end."}"##),
        ("tiktok", ##"{"id":8,"video_description":"weird\u00a0space\u2003em\u3000ideo https://a.example/x\u2028line sep… “https://q.example/y” 'www.single.example' *bold.example/z* ¿http://es.example/q? [x.example/y] {z.example/w}"}"##),
        ("ebay", ##"{"itemId":"v1|1|0","shortDescription":"<div>Line<br/>two</div><script>var x='<p>'</script><style>p{}</style><STYLE>q</Style>I <3 it &lt;tag&gt; &#x1F600; &#128512; &#0; &bogus; &amp &nbsp;x<b>S</b>antos<i>x</i>y<span>z</span><img src=x>after<!-- c -->d","title":"T &eacute; &hellip;","itemLocation":{"country":"de"}}"##),
        ("etsy", ##"{"listing_id":9,"title":"<b>Bold</b> &amp; title","description":"  \n\n  multi   space \t\t tabs \r\n\r\n\r\n lines  ","price":{"amount":-5,"divisor":1000,"currency_code":"usd"}}"##),
        ("etsy", ##"{"listing_id":10,"price":{"amount":12345,"divisor":7,"currency_code":"JPY"}}"##),
        ("shopify", ##"{"id":11,"handle":"h","tags":"a, b,  c,,A","variants":[{"price":"$1,299.00","price_currency":"cad"},{"price":"1e2"}],"images":[{"src":"../img/a b.jpg"},{"src":"./x/../y.jpg"},{"src":"/abs/p.jpg"},{"src":"  "},{"src":"data:image/png;base64,xx"}]}"##),
        ("amazon", ##"{"ASIN":"B0X","Offers":{"Listings":[{"Price":{"Amount":1.5e3,"Currency":"eur"}},{"Price":{"Amount":"2"}}]},"ItemInfo":{"Features":{"DisplayValues":["a &amp; b","c @d.e"]}}}"##),
        ("aliexpress", ##"{"product_id":"12","product_small_image_urls":["https://a.example/1.jpg","https://a.example/1.jpg"],"target_sale_price":" 3.50 ","shop_url":"https://www.aliexpress.com/store/1"}"##),
        ("pinterest", ##"{"id":"5","media":{"images":{"originals":{"url":"https://o.example/o.jpg"},"400x":{"url":"https://o.example/4.jpg"},"150x150":{"width":0,"url":"https://o.example/1.jpg"}}},"created_at":1577909440.123}"##),
        ("x", ##"{"data":{"id":"1","text":"hi https://t.co/a https://t.co/a #tag &lt;3","author_id":"7","entities":{"urls":[{"url":"https://t.co/a"},{"expanded_url":"https://wa.me/15551234567"}],"mentions":[{"username":"@Bob"}]}},"includes":{"users":[{"id":"7","username":"u","description":"bio &amp; t.me/handle_x"}]}}"##),
        ("instagram", ##"{"business_discovery":{"username":"shop","website":" ","media":{"data":[{"id":"1","username":"other","media_type":"VIDEO","thumbnail_url":"t.jpg"}]}}}"##),
        ("generic", ##"{"platform":"vinted","item_id":2,"kind":"account","country":"fr","text":"<p>Tél 06 12 34 56 78</p>","links":["https://x.example/a",{"url":"https://x.example/a","found_in":"bio"}],"hashtags":["#A","a"," b "],"mentions":["@m","M"],"pictures":["p.jpg"],"posted_at":"2024-02-30"}"##),
        ("generic", ##"{"platform":"vinted","item_id":"3","kind":"listing","posted_at":"2024-02-29 23:59:60.5+14:00"}"##),
        ("generic", ##"{"platform":"vinted","item_id":"4","kind":"post","posted_at":-1.5}"##),
        ("instagram", "{\"id\":\"1\",\"caption\":\"bad utf8 \u{FFFD}\"}"),
        ("nosuch", ##"{"id":"1"}"##),
        ("tiktok", ##"{"id":"a\"b\\c\/d\u0001e\ud83d\ude00"}"##),
        ("tiktok", ##"  {"id" : 12 , "username" : " spaced " }  "##),
        ("generic", ##"{"kind":5}"##),
        ("generic", ##"{"kind":"shop","platform":"p","item_id":"1"}"##),
    ]


    @Test func dump() throws {
        guard let path = ProcessInfo.processInfo.environment["TOUCHSTONE_GOLDEN_DUMP"] else { return }
        let mutations = Int(ProcessInfo.processInfo.environment["TOUCHSTONE_GOLDEN_MUTATIONS"] ?? "") ?? 200_000
        var seeds: [(String, [UInt8])] = []
        for (p, l) in Fixtures.all { seeds.append((p, Array(l.utf8))) }
        for c in MalformedTests.cases { seeds.append((c.platform, Array(c.line.utf8))) }
        for (p, l) in Self.tricky { seeds.append((p, Array(l.utf8))) }
        seeds.append(("instagram", [0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))
        seeds.append(("instagram", [0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xc3, 0x01, 0x22, 0x7d]))
        var corpus = seeds
        for sample in SampleCorpus.make(count: 900) { corpus.append((sample.platform, sample.line)) }
        var rng = SplitMix64(seed: 0x601d_e7)
        for _ in 0..<mutations {
            let seed = seeds[Int(rng.next() % UInt64(seeds.count))]
            var bytes = seed.1
            let rounds = 1 + Int(rng.next() % 4)
            for _ in 0..<rounds { Mutator.mutate(&bytes, &rng) }
            corpus.append((seed.0, bytes))
        }
        var out: [UInt8] = []
        func line(_ s: String) { out += Array(s.utf8); out.append(0x0a) }
        let processor = NormalizeProcessor()
        for (index, (platform, bytes)) in corpus.enumerated() {
            line("== \(index) \(platform) \(SHA256Hex.of(bytes))")
            for source in ["/data/in/\(platform)-feed.ndjson", "http:127.0.0.1"] {
                let ingester = LineIngester(platform: platform, source: source, context: index % 3 == 0 ? "shop.example.com" : nil, maxLineBytes: 4096)
                let d = ingester.disposition(of: bytes, number: index + 1, capturedAt: "2026-11-30T00:00:00.000Z")
                let m = d.message
                switch d {
                case .published: line("published")
                case .deadLettered(_, let reason): line("dead: \(reason)")
                }
                line("topic \(m.topic) key \(m.key.map { String(decoding: $0, as: UTF8.self) } ?? "nil")")
                for h in m.headers { line("h \(h.name)=\(h.text)") }
                if case .deadLettered = d { out += m.value; out.append(0x0a) } else if m.value != bytes { line("VALUE DIFFERS") }
                guard case .published = d else { continue }
                let consumed = ConsumedMessage(topic: m.topic, partition: 3, offset: Int64(index), key: m.key, value: m.value, headers: m.headers, timestamp: 5)
                do throws(StageError) {
                    for o in try processor.outputs(for: consumed) {
                        line("item \(o.topic) \(o.key.map { String(decoding: $0, as: UTF8.self) } ?? "nil") \(String(describing: o.timestamp))")
                        out += o.value
                        out.append(0x0a)
                    }
                } catch {
                    line("stage error: \(error.field ?? "nil") | \(error.reason)")
                }
            }
            do throws(StageError) {
                let items = try Normalizer.items(fromLine: bytes, context: Fixtures.context(platform == "nosuch" ? "tiktok" : platform, source: "rel/x.ndjson", extra: "https://Shop.Example.com/x"))
                for item in items { out += (try? ItemJSON.encode(item)) ?? []; out.append(0x0a) }
            } catch {
                line("normalize error: \(error.field ?? "nil") | \(error.reason)")
            }
        }
        try Data(out).write(to: URL(fileURLWithPath: path))
    }
}
