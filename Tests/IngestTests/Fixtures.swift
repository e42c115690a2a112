import Normalize
import TouchstoneCore

/// Native objects as the platforms' public API documentation shows them,
/// one line each: every optional field present (`full`), only the required
/// ones (`minimal`).
enum Fixtures {
    static let instagramMediaFull = #"""
    {"id":"17895695668004550","username":"luxe.deals.daily","caption":"New drop 🔥 Santos-style watch &amp; love bracelet. DM or WhatsApp +44 7700 900123, order via amzn.to/3xYzAbC or https://www.amazon.com/dp/B0C1234567 #cartier #LuxuryForLess @influencer.jane tg: @luxdeals_tg","media_type":"CAROUSEL_ALBUM","media_url":"https://scontent.cdninstagram.com/v/t51/1.jpg","permalink":"https://www.instagram.com/p/CeXyZ123/","timestamp":"2022-06-15T10:00:00+0000","like_count":1520,"comments_count":87,"children":{"data":[{"id":"1","media_type":"IMAGE","media_url":"https://scontent.cdninstagram.com/v/t51/2.jpg"},{"id":"2","media_type":"VIDEO","media_url":"https://video.cdninstagram.com/v.mp4","thumbnail_url":"https://scontent.cdninstagram.com/v/t51/3.jpg"}]}}
    """#

    static let instagramMediaMinimal = #"{"id":"17841400008460056"}"#

    static let instagramBusinessDiscovery = #"""
    {"business_discovery":{"id":"17841405309211844","username":"luxe.deals.daily","name":"Luxe Deals ✨","biography":"Replica-free 😉 premium goods. WhatsApp: wa.me/447700900123 | mail: Sales@LuxeDeals.example | Telegram t.me/luxdeals","website":"https://linktr.ee/luxedeals","followers_count":48210,"media_count":2,"media":{"data":[{"id":"17918195224117851","caption":"Gold love bracelet, link in bio","media_type":"IMAGE","media_url":"https://scontent.cdninstagram.com/a.jpg","permalink":"https://www.instagram.com/p/A1/","timestamp":"2022-06-14T08:30:00+0000","like_count":10,"comments_count":1},{"id":"17895695668004551","media_type":"VIDEO","media_url":"https://video.cdninstagram.com/b.mp4","thumbnail_url":"pics/b-thumb.jpg","timestamp":"2022-06-13T23:59:59-0100"}]}}}
    """#

    static let amazonFull = #"""
    {"ASIN":"B0C1234567","DetailPageURL":"https://www.amazon.com/dp/B0C1234567?tag=partner-20&linkCode=ogi","ItemInfo":{"Title":{"DisplayValue":"Women&#39;s Screw Bracelet, 18K Gold Plated Titanium Steel","Label":"Title","Locale":"en_US"},"ByLineInfo":{"Brand":{"DisplayValue":"GENERIC","Label":"Brand","Locale":"en_US"},"Manufacturer":{"DisplayValue":"Shenzhen Jewel Co.","Label":"Manufacturer","Locale":"en_US"}},"Features":{"DisplayValues":["Fits 6-7 inch wrists","Gift box included — contact support@jewel.example"],"Label":"Features","Locale":"en_US"}},"Images":{"Primary":{"Large":{"URL":"https://m.media-amazon.com/images/I/41abc.jpg","Height":500,"Width":500}},"Variants":[{"Large":{"URL":"https://m.media-amazon.com/images/I/51def.jpg","Height":500,"Width":500}},{"Large":{"URL":"https://m.media-amazon.com/images/I/41abc.jpg"}}]},"Offers":{"Listings":[{"Id":"abc","Price":{"Amount":25.99,"Currency":"USD","DisplayAmount":"$25.99"},"MerchantInfo":{"Id":"A2L77EE7U53NWQ","Name":"JewelDirect"}}]}}
    """#

    static let amazonMinimal = #"{"ASIN":"B07XJ8C8F5"}"#

    static let ebayFull = #"""
    {"itemId":"v1|123456789012|0","title":"Love Bracelet 18k &amp; Screwdriver","shortDescription":"<p>Brand new <b>never worn</b>.<br>Call 020 7946 0958</p>","price":{"value":"25.00","currency":"GBP"},"image":{"imageUrl":"https://i.ebayimg.com/images/g/abc/s-l1600.jpg"},"additionalImages":[{"imageUrl":"https://i.ebayimg.com/images/g/def/s-l1600.jpg"}],"seller":{"username":"bling_outlet_uk","feedbackPercentage":"98.7","feedbackScore":1532},"itemWebUrl":"https://www.ebay.co.uk/itm/123456789012","itemLocation":{"country":"GB","postalCode":"E1"},"condition":"New","itemCreationDate":"2024-03-01T12:00:00.000Z"}
    """#

    static let ebayMinimal = #"{"itemId":"v1|987654321098|0"}"#

    static let etsyFull = #"""
    {"listing_id":1234567890,"user_id":99,"shop_id":5551212,"title":"Handmade Nail Bracelet &quot;Juste&quot; style","description":"Made to order.\nSee also https://www.etsy.com/listing/987654321/matching-ring and my other shop myshop.example.com/products/gold-cuff","price":{"amount":2599,"divisor":100,"currency_code":"EUR"},"url":"https://www.etsy.com/listing/1234567890/handmade-nail-bracelet","shop":{"shop_id":5551212,"shop_name":"GoldNailStudio"},"tags":["bracelet","nail","gold"],"images":[{"listing_image_id":1,"url_fullxfull":"https://i.etsystatic.com/1/il_fullxfull.1.jpg"},{"listing_image_id":2,"url_fullxfull":"https://i.etsystatic.com/1/il_fullxfull.2.jpg"}],"creation_timestamp":1700000000}
    """#

    static let etsyMinimal = #"{"listing_id":1}"#

    static let xFull = #"""
    {"data":[{"id":"1460323737035677698","text":"Best dupes &amp; deals 👉 https://t.co/abc123 #cartier #dupes @LuxeDealsDaily","author_id":"2244994945","created_at":"2021-11-15T19:08:05.000Z","entities":{"urls":[{"start":25,"end":48,"url":"https://t.co/abc123","expanded_url":"https://www.ebay.com/itm/Love-Bracelet/123456789012","display_url":"ebay.com/itm/…"}],"hashtags":[{"start":49,"end":57,"tag":"cartier"},{"start":58,"end":64,"tag":"dupes"}],"mentions":[{"start":65,"end":80,"username":"LuxeDealsDaily","id":"1"}]},"attachments":{"media_keys":["3_1460323737035677698"]}},{"id":"18446744073709551615","text":"second tweet, no author in includes","author_id":"999"}],"includes":{"users":[{"id":"2244994945","username":"dupe_queen","name":"Dupe Queen","description":"DM for prices. WhatsApp https://api.whatsapp.com/send?phone=15551234567","url":"https://t.co/xyz"}],"media":[{"media_key":"3_1460323737035677698","type":"photo","url":"https://pbs.twimg.com/media/FEaBc.jpg"}]}}
    """#

    static let xMinimal = #"{"data":{"id":"20","text":"just setting up my twttr"}}"#

    static let aliexpressFull = #"""
    {"product_id":1005004321987654,"product_title":"Screw Love Bracelet Titanium &amp; Gold","product_main_image_url":"https://ae01.alicdn.com/kf/main.jpg","product_small_image_urls":{"string":["https://ae01.alicdn.com/kf/s1.jpg","https://ae01.alicdn.com/kf/s2.jpg"]},"target_sale_price":"3.99","target_sale_price_currency":"USD","shop_id":912345678,"shop_url":"https://www.aliexpress.com/store/912345678","product_detail_url":"https://www.aliexpress.com/item/1005004321987654.html"}
    """#

    static let aliexpressMinimal = #"{"product_id":"1005000000000001"}"#

    static let shopifyFull = #"""
    {"id":7890123456789012345,"title":"Juste Nail Bracelet","handle":"juste-nail-bracelet","body_html":"<p>Our <strong>best seller</strong> &amp; fan favourite.</p><ul><li>18k plated</li><li>Ships from LA</li></ul><script>track()</script><p>Questions? Email hello@shop.example</p>","published_at":"2024-01-10T09:00:00-05:00","created_at":"2024-01-09T09:00:00-05:00","vendor":"Gold Nail Co","product_type":"Bracelets","tags":["bracelet","gold","nail"],"variants":[{"id":1,"title":"Default","price":"39.00","compare_at_price":"79.00"},{"id":2,"price":"45.50"}],"images":[{"id":1,"src":"//cdn.shopify.com/s/files/1/0001/products/a.jpg","width":1024,"height":1024},{"id":2,"src":"https://cdn.shopify.com/s/files/1/0001/products/b.jpg"}]}
    """#

    static let shopifyMinimal = #"{"id":1}"#

    static let tiktokFull = #"""
    {"id":7311234567890123456,"username":"dupe.finds","video_description":"Found the bracelet dupe 😱 link in bio, text me 0612345678 #dupe #cartierlove","create_time":1702300000,"region_code":"FR","hashtag_names":["dupe","cartierlove","fyp"],"like_count":120034,"view_count":2000000,"share_count":12,"comment_count":300}
    """#

    static let tiktokMinimal = #"{"id":7311234567890123457}"#

    static let pinterestFull = #"""
    {"id":"813744226420795884","created_at":"2020-01-01T20:10:40","title":"Love bracelet dupe","description":"Under $30! Shop: https://goldnail.example/products/juste-nail-bracelet","link":"https://www.etsy.com/listing/1234567890","board_owner":{"username":"dupequeen"},"media":{"media_type":"image","images":{"150x150":{"width":150,"height":150,"url":"https://i.pinimg.com/150x150/d5.jpg"},"1200x":{"width":1200,"height":1500,"url":"https://i.pinimg.com/1200x/d5.jpg"},"600x":{"width":600,"height":750,"url":"https://i.pinimg.com/600x/d5.jpg"}}}}
    """#

    static let pinterestMinimal = #"{"id":"1"}"#

    static let genericFull = #"""
    {"platform":"vinted","item_id":"4512345678","kind":"listing","url":"https://www.vinted.fr/items/4512345678","account":{"id":"77","handle":"marie_b","display_name":"Marie","bio":"insta @marie.b","website":"https://marie.example"},"title":"Bracelet clou","text":"Très bon état &eacute;tat, contactez moi au +33 6 12 34 56 78","price":{"amount":"45.00","currency":"eur"},"pictures":[{"url":"https://images.vinted.net/1.jpg"},"img/2.jpg"],"links":[{"url":"https://www.vinted.fr/member/77","found_in":"entities"}],"hashtags":["bijoux"],"mentions":[],"contacts":[{"kind":"email","value":"marie@example.com"}],"posted_at":"2024-05-05T10:00:00Z"}
    """#

    static let genericMinimal = #"{"platform":"vinted","item_id":"1"}"#

    /// (platform, line) pairs of every fixture, for the fuzz test and the benchmark.
    static let all: [(platform: String, line: String)] = [
        ("instagram", instagramMediaFull), ("instagram", instagramMediaMinimal), ("instagram", instagramBusinessDiscovery),
        ("amazon", amazonFull), ("amazon", amazonMinimal), ("ebay", ebayFull), ("ebay", ebayMinimal),
        ("etsy", etsyFull), ("etsy", etsyMinimal), ("x", xFull), ("x", xMinimal),
        ("aliexpress", aliexpressFull), ("aliexpress", aliexpressMinimal), ("shopify", shopifyFull), ("shopify", shopifyMinimal),
        ("tiktok", tiktokFull), ("tiktok", tiktokMinimal), ("pinterest", pinterestFull), ("pinterest", pinterestMinimal),
        ("generic", genericFull), ("generic", genericMinimal),
    ]

    static func context(_ platform: String, source: String = "/data/in/\("x")-2026.ndjson", extra: String? = nil) -> RawContext {
        RawContext(platform: platform, topic: Platforms.rawTopic(platform: platform) ?? TopicName.rawPosts, partition: 2, offset: 41,
                   sha256: String(repeating: "ab", count: 32), source: source, line: 7, capturedAt: "2026-11-30T01:02:03.004Z", context: extra)
    }

    static func items(_ platform: String, _ line: String, source: String = "/data/in/feed.ndjson", extra: String? = nil) throws -> [Item] {
        try Normalizer.items(fromLine: Array(line.utf8), context: context(platform, source: source, extra: extra))
    }
}
