import Foundation

/// Realistic native lines of all nine platforms with varying ids and texts, the
/// same for every call: the benchmarks' corpus, and a fixed input for tests that
/// compare two implementations output for output.
public enum SampleCorpus {
    public static func make(count: Int) -> [(platform: String, line: [UInt8])] {
        var out: [(String, [UInt8])] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let n = 7_000_000_000_000_000_000 as UInt64 + UInt64(i) * 7919
            let line: (String, String)
            switch i % 9 {
            case 0: line = ("instagram", #"{"id":"1789569566\#(i)","username":"luxe.deals.\#(i % 500)","caption":"New drop 🔥 love bracelet #\#(i) style. DM or WhatsApp +44 7700 900\#(i % 1000), order via amzn.to/3xY\#(i) #cartier #luxury @jane_\#(i % 50)","media_type":"IMAGE","media_url":"https://scontent.cdninstagram.com/v/\#(i).jpg","permalink":"https://www.instagram.com/p/C\#(i)/","timestamp":"2022-06-15T10:00:00+0000","like_count":\#(i % 3000),"comments_count":\#(i % 90)}"#)
            case 1: line = ("amazon", #"{"ASIN":"B0\#(String(format: "%08d", i))","DetailPageURL":"https://www.amazon.com/dp/B0\#(String(format: "%08d", i))","ItemInfo":{"Title":{"DisplayValue":"Women's Screw Bracelet, 18K Gold Plated Titanium Steel \#(i)"},"ByLineInfo":{"Brand":{"DisplayValue":"GENERIC"}},"Features":{"DisplayValues":["Fits 6-7 inch wrists","Gift box included"]}},"Images":{"Primary":{"Large":{"URL":"https://m.media-amazon.com/images/I/\#(i).jpg","Height":500,"Width":500}}},"Offers":{"Listings":[{"Price":{"Amount":25.99,"Currency":"USD"},"MerchantInfo":{"Id":"A2L77EE7U53NWQ","Name":"JewelDirect"}}]}}"#)
            case 2: line = ("ebay", #"{"itemId":"v1|\#(100000000000 + i)|0","title":"Love Bracelet 18k \#(i)","shortDescription":"<p>Brand new <b>never worn</b></p>","price":{"value":"25.00","currency":"GBP"},"image":{"imageUrl":"https://i.ebayimg.com/images/g/\#(i)/s-l1600.jpg"},"seller":{"username":"bling_\#(i % 300)","feedbackPercentage":"98.7","feedbackScore":1532},"itemWebUrl":"https://www.ebay.co.uk/itm/\#(100000000000 + i)","itemLocation":{"country":"GB"},"condition":"New"}"#)
            case 3: line = ("etsy", #"{"listing_id":\#(1000000000 + i),"shop_id":5551212,"title":"Handmade Nail Bracelet &quot;Juste&quot; \#(i)","description":"Made to order. See https://www.etsy.com/listing/\#(i)/ring","price":{"amount":2599,"divisor":100,"currency_code":"EUR"},"url":"https://www.etsy.com/listing/\#(1000000000 + i)","shop":{"shop_id":5551212,"shop_name":"GoldNailStudio"},"tags":["bracelet","nail","gold"],"images":[{"url_fullxfull":"https://i.etsystatic.com/\#(i).jpg"}],"creation_timestamp":1700000000}"#)
            case 4: line = ("x", #"{"data":[{"id":"\#(n)","text":"Best dupes &amp; deals https://t.co/a\#(i) #cartier @LuxeDeals","author_id":"2244994945","created_at":"2021-11-15T19:08:05.000Z","entities":{"urls":[{"url":"https://t.co/a\#(i)","expanded_url":"https://www.ebay.com/itm/\#(100000000000 + i)"}],"hashtags":[{"tag":"cartier"}],"mentions":[{"username":"LuxeDeals"}]},"attachments":{"media_keys":["3_\#(i)"]}}],"includes":{"users":[{"id":"2244994945","username":"dupe_queen","name":"Dupe Queen","description":"DM for prices"}],"media":[{"media_key":"3_\#(i)","type":"photo","url":"https://pbs.twimg.com/media/\#(i).jpg"}]}}"#)
            case 5: line = ("aliexpress", #"{"product_id":\#(n),"product_title":"Screw Love Bracelet Titanium \#(i)","product_main_image_url":"https://ae01.alicdn.com/kf/\#(i).jpg","product_small_image_urls":{"string":["https://ae01.alicdn.com/kf/s\#(i).jpg"]},"target_sale_price":"3.99","target_sale_price_currency":"USD","shop_id":912345678,"product_detail_url":"https://www.aliexpress.com/item/\#(n).html"}"#)
            case 6: line = ("shopify", #"{"id":\#(n),"title":"Juste Nail Bracelet \#(i)","handle":"juste-nail-\#(i)","body_html":"<p>Our <strong>best seller</strong> &amp; fan favourite.</p><ul><li>18k plated</li></ul>","vendor":"Gold Nail Co","product_type":"Bracelets","tags":["bracelet","gold"],"variants":[{"id":1,"price":"39.00"}],"images":[{"src":"//cdn.shopify.com/s/files/\#(i).jpg"}],"published_at":"2024-01-10T09:00:00-05:00"}"#)
            case 7: line = ("tiktok", #"{"id":\#(n),"username":"dupe.finds\#(i % 100)","video_description":"Found the bracelet dupe 😱 link in bio #dupe #cartierlove \#(i)","create_time":1702300000,"region_code":"FR","hashtag_names":["dupe","cartierlove"],"like_count":120034,"view_count":2000000}"#)
            default: line = ("pinterest", #"{"id":"\#(813744226420795884 + i)","created_at":"2020-01-01T20:10:40","title":"Love bracelet dupe \#(i)","description":"Under $30!","link":"https://www.etsy.com/listing/\#(1000000000 + i)","board_owner":{"username":"dupequeen"},"media":{"images":{"150x150":{"width":150,"height":150,"url":"https://i.pinimg.com/150x150/\#(i).jpg"},"1200x":{"width":1200,"height":1500,"url":"https://i.pinimg.com/1200x/\#(i).jpg"}}}}"#)
            }
            out.append((line.0, Array(line.1.utf8)))
        }
        return out
    }
}

