/// National phone numbers to E.164, when the country is known.
public enum PhoneNumbers {
    /// Country calling codes of ISO 3166 alpha-2 countries seen on the platforms.
    static let callingCodes: [String: String] = [
        "US": "1", "CA": "1", "PR": "1", "GB": "44", "UK": "44", "FR": "33", "DE": "49", "IT": "39", "ES": "34",
        "NL": "31", "BE": "32", "CH": "41", "AT": "43", "SE": "46", "NO": "47", "DK": "45", "FI": "358", "IE": "353",
        "PT": "351", "PL": "48", "CZ": "420", "GR": "30", "RO": "40", "HU": "36", "RU": "7", "UA": "380", "TR": "90",
        "CN": "86", "HK": "852", "TW": "886", "JP": "81", "KR": "82", "IN": "91", "PK": "92", "BD": "880", "ID": "62",
        "MY": "60", "SG": "65", "TH": "66", "VN": "84", "PH": "63", "AU": "61", "NZ": "64", "BR": "55", "MX": "52",
        "AR": "54", "CO": "57", "CL": "56", "PE": "51", "ZA": "27", "NG": "234", "EG": "20", "MA": "212", "KE": "254",
        "AE": "971", "SA": "966", "IL": "972", "QA": "974",
    ]

    /// `+<code><number>` for a national number (trunk `0` dropped; NANP's leading `1` understood),
    /// nil when the country is unknown or the length cannot be a phone number there.
    public static func e164(nationalDigits digits: String, country: String?) -> String? {
        guard let country, let code = callingCodes[country.uppercased()] else { return nil }
        if code == "1" {
            if digits.count == 10 { return "+1" + digits }
            if digits.count == 11, digits.hasPrefix("1") { return "+" + digits }
            return nil
        }
        var national = Substring(digits)
        if national.hasPrefix(code), digits.count >= 10 { return "+" + digits }
        if country.uppercased() != "IT" { while national.hasPrefix("0") { national = national.dropFirst() } }
        guard national.count >= 6, national.count + code.count <= 15 else { return nil }
        return "+" + code + national
    }
}
