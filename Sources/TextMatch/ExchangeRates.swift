import Foundation

/// A dated table of exchange rates for the price-under-floor signal: how many
/// US dollars one unit of each currency is worth on `date`.
///
/// The default table is compiled in (so the binary works from any folder);
/// override it with a JSON file of the same shape:
///
/// ```json
/// {"date": "2026-11-02", "source": "ECB reference rates", "usd_per_unit": {"EUR": 1.16, "GBP": 1.31}}
/// ```
public struct ExchangeRates: Sendable, Hashable, Codable {
    /// The day the rates are for (ISO 8601 date).
    public var date: String
    /// Where they came from.
    public var source: String
    public var usdPerUnit: [String: Decimal]

    public init(date: String, source: String, usdPerUnit: [String: Decimal]) {
        self.date = date
        self.source = source
        self.usdPerUnit = usdPerUnit
        self.usdPerUnit["USD"] = 1
    }

    enum CodingKeys: String, CodingKey {
        case date, source
        case usdPerUnit = "usd_per_unit"
    }

    /// Loads a rates file; errors name the file and the field.
    public static func load(from file: URL) throws -> ExchangeRates {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw ExchangeRatesError(file: file.path, message: "cannot read the rates file (\(error.localizedDescription))")
        }
        do {
            var rates = try JSONDecoder().decode(ExchangeRates.self, from: data)
            rates.usdPerUnit = Dictionary(uniqueKeysWithValues: rates.usdPerUnit.map { ($0.key.uppercased(), $0.value) })
            rates.usdPerUnit["USD"] = 1
            for (code, rate) in rates.usdPerUnit where rate <= 0 {
                throw ExchangeRatesError(file: file.path, message: "usd_per_unit.\(code): must be a positive number")
            }
            return rates
        } catch let error as ExchangeRatesError {
            throw error
        } catch let DecodingError.keyNotFound(key, _) {
            throw ExchangeRatesError(file: file.path, message: "\(key.stringValue): is required (shape: {\"date\":..., \"source\":..., \"usd_per_unit\":{\"EUR\":1.16}})")
        } catch {
            throw ExchangeRatesError(file: file.path, message: "not a rates table: \(error)")
        }
    }

    /// The amount in US dollars, or nil when the currency is not in the table.
    public func usd(_ amount: Decimal, currency: String) -> Decimal? {
        usdPerUnit[currency.uppercased()].map { amount * $0 }
    }
}

public struct ExchangeRatesError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}
