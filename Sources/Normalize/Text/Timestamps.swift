import Foundation

/// Platform timestamps to ISO 8601 UTC with milliseconds (`2022-06-15T10:00:00.000Z`),
/// the form every topic writes. No Foundation: this runs once per item.
public enum Timestamps {
    /// Unix seconds (integer or decimal literal) to ISO 8601 UTC.
    public static func fromUnixSeconds(_ literal: String) -> String? {
        var whole = Substring(literal)
        var fraction: Substring = ""
        // ASCII (nearly always): a '.' is its own Character and a digit is what `isNumber` accepts, so bytes decide.
        let ascii = literal.utf8.withContiguousStorageIfAvailable(allASCII) ?? false
        if ascii {
            if let dot = literal.utf8.firstIndex(of: UInt8(ascii: ".")) {
                whole = literal[..<dot]
                fraction = literal[literal.utf8.index(after: dot)...]
            }
        } else if let dot = literal.firstIndex(of: ".") {
            whole = literal[..<dot]
            fraction = literal[literal.index(after: dot)...]
        }
        guard let seconds = Int64(whole), seconds > -62_135_596_800, seconds < 253_402_300_800 else { return nil }
        if ascii {
            guard fraction.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        } else {
            guard fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        // The first three fraction digits, right-padded with zeros.
        var millis = 0
        var taken = 0
        for digit in fraction.utf8.prefix(3) { millis = millis * 10 + Int(digit - 0x30); taken += 1 }
        while taken < 3 { millis *= 10; taken += 1 }
        return format(epochSeconds: seconds, milliseconds: seconds < 0 && millis > 0 ? millis : millis)
    }

    /// Parses `2022-06-15T10:00:00+0000`, `...Z`, `...+02:00`, `...000Z`, a space instead
    /// of `T`, or no zone at all (taken as UTC), and writes it in UTC.
    public static func iso8601(_ text: String) -> String? {
        text.withBytes(iso8601)
    }

    static func iso8601(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for i in at..<(at + count) {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), b.count >= 10, b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
              let day = digits(8, 2), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0
        var i = 10
        if i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "t") {
            guard let h = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let m = digits(i + 4, 2) else { return nil }
            hour = h; minute = m
            i += 6
            if i < b.count, b[i] == UInt8(ascii: ":") {
                guard let s = digits(i + 1, 2) else { return nil }
                second = s
                i += 3
                if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    var n = 0, scale = 0
                    while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                        if scale < 3 { n = n * 10 + Int(b[i] - 0x30); scale += 1 }
                        i += 1
                    }
                    guard scale > 0 else { return nil }
                    while scale < 3 { n *= 10; scale += 1 }
                    millis = n
                }
            }
            guard hour < 24, minute < 60, second <= 60 else { return nil }
        }
        var offsetMinutes = 0
        if i < b.count {
            switch b[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                i += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                guard let oh = digits(i + 1, 2) else { return nil }
                var j = i + 3
                if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
                let om = digits(j, 2) ?? 0
                if digits(j, 2) != nil { j += 2 }
                guard oh < 24, om < 60 else { return nil }
                offsetMinutes = sign * (oh * 60 + om)
                i = j
            default:
                return nil
            }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetMinutes * 60)
        return format(epochSeconds: seconds, milliseconds: millis)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func format(epochSeconds: Int64, milliseconds: Int) -> String {
        var days = epochSeconds / 86_400
        var rem = epochSeconds % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        if (0...9999).contains(year), (0...999).contains(milliseconds) {
            // YYYY-MM-DDTHH:MM:SS.mmmZ written as bytes.
            let r = Int(rem)
            return String(unsafeUninitializedCapacity: 24) { out in
                func put(_ value: Int, _ at: Int, _ width: Int) {
                    var v = value
                    for k in stride(from: at + width - 1, through: at, by: -1) { out[k] = UInt8(0x30 + v % 10); v /= 10 }
                }
                put(year, 0, 4); out[4] = UInt8(ascii: "-"); put(month, 5, 2); out[7] = UInt8(ascii: "-"); put(day, 8, 2)
                out[10] = UInt8(ascii: "T"); put(r / 3600, 11, 2); out[13] = UInt8(ascii: ":"); put(r / 60 % 60, 14, 2)
                out[16] = UInt8(ascii: ":"); put(r % 60, 17, 2); out[19] = UInt8(ascii: "."); put(milliseconds, 20, 3); out[23] = UInt8(ascii: "Z")
                return 24
            }
        }
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        let r = Int(rem)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(r / 3600, 2)):\(pad(r / 60 % 60, 2)):\(pad(r % 60, 2)).\(pad(milliseconds, 3))Z"
    }
}
