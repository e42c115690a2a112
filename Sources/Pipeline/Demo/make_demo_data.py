#!/usr/bin/env python3
"""Regenerates the bundled demo data: the fictional brand Aurelle's reference
pictures, the item pictures, and the message files. Everything here is drawn
by this script (Pillow), so it is ours to release under CC0.

    python3 Sources/Pipeline/Demo/make_demo_data.py      # from the repository root; needs Pillow
"""
import json
import math
import os
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
BRAND_IMAGES = os.path.join(HERE, "brands", "images")
MESSAGES = os.path.join(HERE, "messages")
ITEM_IMAGES = os.path.join(MESSAGES, "images")

GOLD = (201, 162, 75)
DEEP_GOLD = (150, 112, 40)
NAVY = (18, 30, 66)
IVORY = (246, 240, 226)


def font(size):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
                 "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def logo():
    """The AURELLE wordmark under a crescent emblem, navy on ivory."""
    img = Image.new("RGB", (512, 512), IVORY)
    d = ImageDraw.Draw(img)
    # Crescent: a gold disc with an ivory disc bitten out of it.
    d.ellipse((176, 60, 336, 220), fill=GOLD)
    d.ellipse((214, 44, 374, 204), fill=IVORY)
    # Four-point star inside the crescent.
    cx, cy = 236, 140
    d.polygon([(cx, cy - 34), (cx + 9, cy - 9), (cx + 34, cy), (cx + 9, cy + 9),
               (cx, cy + 34), (cx - 9, cy + 9), (cx - 34, cy), (cx - 9, cy - 9)], fill=NAVY)
    f = font(84)
    text = "AURELLE"
    w = d.textlength(text, font=f)
    d.text(((512 - w) / 2, 262), text, font=f, fill=NAVY)
    d.rectangle((96, 378, 416, 384), fill=GOLD)
    small = font(30)
    tag = "GENEVE  1921"
    w = d.textlength(tag, font=small)
    d.text(((512 - w) / 2, 404), tag, font=small, fill=DEEP_GOLD)
    return img


def watch_photo(dial=NAVY, case=GOLD, case_edge=DEEP_GOLD, strap=(92, 52, 36), wordmark="AURELLE", warm=True):
    """A product-photo-like picture of the Aurelle Lune moonphase watch (or, with
    other colours and no wordmark, of a generic look-alike)."""
    size = 640
    img = Image.new("RGB", (size, size))
    px = img.load()
    for y in range(size):  # soft studio gradient
        for x in range(size):
            t = (x + y) / (2 * size)
            px[x, y] = (int(232 - 40 * t), int(226 - 44 * t), int(214 - 50 * t)) if warm else (int(200 - 90 * t), int(210 - 80 * t), int(222 - 60 * t))
    d = ImageDraw.Draw(img)
    # Strap.
    d.rounded_rectangle((250, 0, 390, 640), radius=26, fill=strap)
    for y in range(20, 640, 40):
        d.line((262, y, 378, y), fill=tuple(min(255, c + 18) for c in strap), width=2)
    # Shadow, case, bezel, dial.
    shadow = Image.new("L", (size, size), 0)
    ImageDraw.Draw(shadow).ellipse((150, 170, 510, 530), fill=140)
    shadow = shadow.filter(ImageFilter.GaussianBlur(18))
    img.paste((60, 50, 40), (0, 0), shadow)
    d = ImageDraw.Draw(img)
    d.ellipse((140, 140, 500, 500), fill=case_edge)
    d.ellipse((152, 152, 488, 488), fill=case)
    d.ellipse((172, 172, 468, 468), fill=dial)
    d.rectangle((490, 304, 516, 336), fill=case_edge)  # crown
    cx, cy = 320, 320
    for i in range(12):  # hour markers
        a = math.radians(i * 30)
        r1, r2 = 128, 110 if i % 3 == 0 else 118
        d.line((cx + r1 * math.sin(a), cy - r1 * math.cos(a), cx + r2 * math.sin(a), cy - r2 * math.cos(a)),
               fill=IVORY, width=6 if i % 3 == 0 else 3)
    # Moonphase window with a gold moon and stars.
    d.pieslice((262, 330, 378, 446), 180, 360, fill=(30, 50, 104))
    d.ellipse((298, 350, 342, 394), fill=case)
    for sx, sy in ((276, 376), (360, 368), (350, 352), (284, 358)):
        d.ellipse((sx - 2, sy - 2, sx + 2, sy + 2), fill=IVORY)
    # Wordmark on the dial.
    if wordmark:
        f = font(22)
        w = d.textlength(wordmark, font=f)
        d.text((cx - w / 2, 232), wordmark, font=f, fill=IVORY)
    # Hands at ten past ten.
    for angle, length, width in ((-60, 80, 8), (60, 112, 5)):
        a = math.radians(angle)
        d.line((cx, cy, cx + length * math.sin(a), cy - length * math.cos(a)), fill=IVORY, width=width)
    d.ellipse((cx - 9, cy - 9, cx + 9, cy + 9), fill=case)
    # A highlight on the crystal.
    glare = Image.new("L", (size, size), 0)
    ImageDraw.Draw(glare).ellipse((200, 190, 330, 260), fill=60)
    glare = glare.filter(ImageFilter.GaussianBlur(20))
    img.paste((255, 255, 255), (0, 0), glare)
    return img


def noise_picture(seed, kind):
    """Unrelated pictures for the clean items: a bottle, a mug, a mountain, a camera."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (480, 480), tuple(rnd.randint(170, 240) for _ in range(3)))
    d = ImageDraw.Draw(img)
    colour = tuple(rnd.randint(20, 160) for _ in range(3))
    if kind == "bottle":
        d.rounded_rectangle((190, 120, 290, 420), radius=30, fill=colour)
        d.rectangle((215, 70, 265, 125), fill=(40, 40, 40))
    elif kind == "mug":
        d.rounded_rectangle((140, 160, 320, 380), radius=18, fill=colour)
        d.ellipse((290, 210, 380, 320), outline=colour, width=18)
    elif kind == "mountain":
        d.rectangle((0, 0, 480, 300), fill=(120, 170, 220))
        d.polygon([(0, 480), (170, 150), (300, 330), (380, 220), (480, 480)], fill=colour)
        d.polygon([(170, 150), (140, 210), (200, 205)], fill=(250, 250, 250))
    else:  # camera
        d.rounded_rectangle((90, 160, 390, 360), radius=20, fill=(35, 35, 38))
        d.ellipse((180, 190, 300, 310), fill=(80, 80, 90))
        d.ellipse((205, 215, 275, 285), fill=(20, 30, 50))
        d.rectangle((120, 140, 180, 165), fill=(35, 35, 38))
    return img


def save_jpeg(img, path, quality=85):
    img.save(path, "JPEG", quality=quality, optimize=True)


def write_ndjson(name, lines):
    with open(os.path.join(MESSAGES, name), "w", encoding="utf-8") as out:
        for line in lines:
            out.write(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False))
            out.write("\n")


def main():
    os.makedirs(BRAND_IMAGES, exist_ok=True)
    os.makedirs(ITEM_IMAGES, exist_ok=True)

    brand_logo = logo()
    brand_logo.save(os.path.join(BRAND_IMAGES, "aurelle-logo.png"), optimize=True)
    photo = watch_photo()
    save_jpeg(photo, os.path.join(BRAND_IMAGES, "aurelle-lune.jpg"), quality=88)

    # Item pictures. The seed case's Instagram post reuses the official photo;
    # its Amazon listing shows a generic look-alike (no logo, other colours), so
    # that the listing alone shows nothing. The Pinterest pin and the Etsy
    # listing reuse the official photo resized and recompressed.
    save_jpeg(photo, os.path.join(ITEM_IMAGES, "ig-lune-post.jpg"), quality=82)
    generic = watch_photo(dial=(24, 26, 30), case=(196, 198, 206), case_edge=(140, 142, 150), strap=(28, 28, 30), wordmark=None, warm=False)
    # Tilted and framed differently, as a seller's own shot would be.
    generic = generic.rotate(28, resample=Image.BICUBIC, fillcolor=(170, 184, 204)).crop((40, 80, 600, 640))
    save_jpeg(generic.resize((500, 500), Image.LANCZOS), os.path.join(ITEM_IMAGES, "amazon-moonphase.jpg"), quality=75)
    # The Pinterest pin and the Etsy listing share a seller's own photo of a
    # look-alike (gold case, no logo), resized and recompressed differently;
    # the eBay listing has another look-alike shot. None of them is the
    # official photo, so only their own links tie them to the brand's posts.
    seller = watch_photo(dial=(16, 42, 36), case=GOLD, case_edge=DEEP_GOLD, strap=(60, 40, 30), wordmark=None, warm=True)
    seller = seller.rotate(-22, resample=Image.BICUBIC, fillcolor=(214, 204, 190)).crop((60, 40, 600, 580))
    save_jpeg(seller.resize((420, 420), Image.LANCZOS), os.path.join(ITEM_IMAGES, "pin-lune.jpg"), quality=60)
    save_jpeg(seller.resize((360, 360), Image.BILINEAR), os.path.join(ITEM_IMAGES, "etsy-moonphase.jpg"), quality=45)
    ebay = watch_photo(dial=(230, 226, 214), case=(196, 198, 206), case_edge=(140, 142, 150), strap=(90, 20, 30), wordmark=None, warm=False)
    ebay = ebay.rotate(12, resample=Image.BICUBIC, fillcolor=(180, 190, 205)).crop((30, 30, 610, 610))
    save_jpeg(ebay.resize((400, 400), Image.LANCZOS), os.path.join(ITEM_IMAGES, "ebay-moonphase.jpg"), quality=70)
    # The logo inside a bigger picture (a flat-lay with the logo card in a corner).
    flat = noise_picture(7, "mountain").resize((640, 640))
    flat.paste(brand_logo.resize((220, 220), Image.LANCZOS), (400, 400))
    save_jpeg(flat, os.path.join(ITEM_IMAGES, "aliexpress-box.jpg"), quality=80)
    save_jpeg(photo, os.path.join(ITEM_IMAGES, "official-lune.jpg"), quality=90)
    for seed, kind in ((1, "bottle"), (2, "mug"), (3, "mountain"), (4, "camera")):
        save_jpeg(noise_picture(seed, kind), os.path.join(ITEM_IMAGES, f"noise-{kind}.jpg"), quality=70)

    asin = "B0DMQX7Z41"
    ebay_legacy = "325551234567"

    # Instagram: the seed case's account (business discovery, link in bio to a
    # generic Amazon page), the official account, and a clean post.
    write_ndjson("instagram-demo.ndjson", [
        {"business_discovery": {
            "username": "luxe.finds.daily", "name": "Luxe Finds Daily",
            "biography": "Designer looks for less \u2728 Shop my favourite moonphase watch below \U0001F447",
            "website": f"https://www.amazon.com/dp/{asin}?tag=luxefinds-20",
            "followers_count": 48210,
            "media": {"data": [
                {"id": "17895695668004550", "caption": "Obsessed with this Aurelle Lune look \U0001F319 link in bio! #aurelle #moonphase #giftforher",
                 "media_type": "IMAGE", "media_url": "images/ig-lune-post.jpg",
                 "permalink": "https://www.instagram.com/p/C8demoLune01/", "timestamp": "2026-11-20T18:04:00+0000",
                 "like_count": 2311, "comments_count": 87},
            ]},
        }},
        {"id": "17841400000000001", "username": "aurelle", "caption": "The Aurelle Lune Moonphase, hand-finished in Geneva.",
         "media_type": "IMAGE", "media_url": "images/official-lune.jpg",
         "permalink": "https://www.instagram.com/p/C8demoOfficial/", "timestamp": "2026-11-18T09:00:00+0000"},
        {"id": "17841400000000002", "username": "trail.and.tea", "caption": "Sunrise hike, best start to the weekend #mountains",
         "media_type": "IMAGE", "media_url": "images/noise-mountain.jpg", "timestamp": "2026-11-21T07:30:00+0000"},
        # Bad: no "id" (a media object must have one).
        {"username": "broken.export", "caption": "a line without its id"},
    ])

    # Amazon: the generic listing the seed case sells through (no brand word),
    # the authorized seller, and a clean listing; then a line that is not JSON.
    write_ndjson("amazon-demo.ndjson", [
        {"ASIN": asin, "DetailPageURL": f"https://www.amazon.com/dp/{asin}",
         "ItemInfo": {"Title": {"DisplayValue": "Women's Moonphase Wrist Watch, Gold Tone Case, Navy Dial, Leather Strap - Elegant Gift"},
                      "ByLineInfo": {"Brand": {"DisplayValue": "QXLUX"}},
                      "Features": {"DisplayValues": ["Japanese quartz movement", "Moonphase display", "Gift box included"]}},
         "Images": {"Primary": {"Large": {"URL": "images/amazon-moonphase.jpg"}}},
         "Offers": {"Listings": [{"Price": {"Amount": 39.99, "Currency": "USD"},
                                  "MerchantInfo": {"Id": "A3QXTRADING77", "Name": "QX Trading Co"}}]}},
        {"ASIN": "B0AURELLE01", "DetailPageURL": "https://www.amazon.com/dp/B0AURELLE01",
         "ItemInfo": {"Title": {"DisplayValue": "Aurelle Lune Moonphase Watch 34mm, 18k Gold"},
                      "ByLineInfo": {"Brand": {"DisplayValue": "Aurelle"}}},
         "Images": {"Primary": {"Large": {"URL": "images/official-lune.jpg"}}},
         "Offers": {"Listings": [{"Price": {"Amount": 1890.00, "Currency": "USD"},
                                  "MerchantInfo": {"Id": "A1AURELLEOFFICIAL", "Name": "Aurelle Official"}}]}},
        {"ASIN": "B0BOTTLE123", "DetailPageURL": "https://www.amazon.com/dp/B0BOTTLE123",
         "ItemInfo": {"Title": {"DisplayValue": "Insulated Stainless Steel Water Bottle 750ml"}},
         "Images": {"Primary": {"Large": {"URL": "images/noise-bottle.jpg"}}},
         "Offers": {"Listings": [{"Price": {"Amount": 19.5, "Currency": "USD"}}]}},
        '{"ASIN": "B0TRUNCATED", "ItemInfo": {"Title": ',
    ])

    # TikTok -> AliExpress: a video selling a "dupe" with a WhatsApp number, and
    # an AliExpress product with the same number. TikTok ids exceed 2^53 and are
    # written as bare JSON numbers, as the Research API does.
    write_ndjson("tiktok-demo.ndjson", [
        '{"id": 7301234567890123457, "username": "watchdeals.tt", "video_description": "Aurelle Lune dupe 1:1 \U0001F631 only $25!! WhatsApp +44 7700 900123 to order #aurelle #dupe #watchtok", "create_time": 1763640000, "region_code": "GB", "hashtag_names": ["aurelle", "dupe", "watchtok"], "like_count": 15400, "view_count": 402113}',
        '{"id": 7301234567890123999, "username": "cosy.kitchen", "video_description": "3 ingredient pancakes, the kids loved them", "create_time": 1763650000, "region_code": "US", "hashtag_names": ["recipe"]}',
        # Bad: the id is an object.
        '{"id": {"value": 1}, "username": "bad.id", "video_description": "oops"}',
    ])
    write_ndjson("aliexpress-demo.ndjson", [
        {"product_id": "1005006123456789", "product_title": "Luxury Ladies Moonphase Quartz Watch Gold - wholesale, WhatsApp +447700900123",
         "product_main_image_url": "images/aliexpress-box.jpg", "target_sale_price": "24.90",
         "target_sale_price_currency": "USD", "shop_id": "912345", "shop_url": "https://www.aliexpress.com/store/912345",
         "product_detail_url": "https://www.aliexpress.com/item/1005006123456789.html"},
    ])

    # Pinterest -> Etsy: the same official photo, resized and recompressed on both.
    write_ndjson("pinterest-demo.ndjson", [
        {"id": "987654321098765432", "title": "Moonphase watch inspo", "description": "Aurelle Lune inspired, love this navy dial \U0001F319",
         "link": "https://www.pinterest.com/pin/987654321098765432/", "created_at": "2026-11-19T12:00:00",
         "board_owner": {"username": "styleboard.maya"},
         "media": {"images": {"400x300": {"url": "images/pin-lune.jpg", "width": 400, "height": 300},
                              "originals": {"url": "images/pin-lune.jpg", "width": 420, "height": 420}}}},
    ])
    write_ndjson("etsy-demo.ndjson", [
        {"listing_id": 1587654321, "title": "Vintage Style Moonphase Watch, Navy & Gold, Gift for Her",
         "description": "Beautiful moonphase watch. Ships in 2 days.", "price": {"amount": 4500, "divisor": 100, "currency_code": "USD"},
         "url": "https://www.etsy.com/listing/1587654321/vintage-style-moonphase-watch", "shop_id": 40123456,
         "shop": {"shop_name": "MoonlitFindsShop"}, "tags": ["moonphase", "watch", "gift"],
         "images": [{"url_fullxfull": "images/etsy-moonphase.jpg"}], "creation_timestamp": 1763500000},
        {"listing_id": 1587000002, "title": "Handmade Ceramic Mug, Speckled Glaze", "price": {"amount": 2800, "divisor": 100, "currency_code": "USD"},
         "url": "https://www.etsy.com/listing/1587000002/handmade-ceramic-mug", "shop": {"shop_name": "ClayAndKiln"},
         "images": [{"url_fullxfull": "images/noise-mug.jpg"}], "creation_timestamp": 1763400000},
    ])

    # X -> eBay: a tweet linking to an eBay item by its legacy id.
    write_ndjson("x-demo.ndjson", [
        {"data": {"id": "1859012345678901234", "text": "Real Aurelle Lune for $45 \U0001F440 fast shipping https://t.co/aB3dEmo",
                  "author_id": "2244994945", "created_at": "2026-11-21T15:12:00.000Z",
                  "entities": {"urls": [{"url": "https://t.co/aB3dEmo", "expanded_url": f"https://www.ebay.com/itm/{ebay_legacy}"}],
                               "hashtags": []}},
         "includes": {"users": [{"id": "2244994945", "username": "dealz_hub_uk", "name": "Dealz Hub"}]}},
        {"data": [{"id": "1859012345678900001", "text": "Anyone watching the match tonight?", "author_id": "11"}],
         "includes": {"users": [{"id": "11", "username": "footy_fan"}]}},
    ])
    write_ndjson("ebay-demo.ndjson", [
        {"itemId": f"v1|{ebay_legacy}|0", "title": "Ladies Moonphase Watch Gold Tone Navy Dial NEW",
         "price": {"value": "45.00", "currency": "USD"}, "image": {"imageUrl": "images/ebay-moonphase.jpg"},
         "seller": {"username": "dealzhub-uk", "feedbackScore": 12, "feedbackPercentage": "92.3"},
         "itemWebUrl": f"https://www.ebay.com/itm/{ebay_legacy}", "itemLocation": {"country": "GB"}, "condition": "New"},
        {"itemId": "v1|110000000001|0", "title": "Vintage 35mm Film Camera, Working", "price": {"value": "80.00", "currency": "USD"},
         "image": {"imageUrl": "images/noise-camera.jpg"}, "seller": {"username": "retro-cams"},
         "itemWebUrl": "https://www.ebay.com/itm/110000000001"},
        # Bad: no itemId.
        {"title": "Listing without an itemId", "price": {"value": "1.00", "currency": "USD"}},
    ])


if __name__ == "__main__":
    main()
