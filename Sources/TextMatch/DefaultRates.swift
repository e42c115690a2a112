import Foundation

extension ExchangeRates {
    /// The compiled-in default: approximate mid-market rates, rounded to three
    /// significant digits, as recorded on the date below. They only decide
    /// whether a price is far under a retail floor; for exact work pass a
    /// current table (`--rates FILE`, ``ExchangeRates/load(from:)``).
    public static let `default` = ExchangeRates(
        date: "2026-11-01",
        source: "Touchstone default table (approximate mid-market rates; override with a rates file)",
        usdPerUnit: [
            "EUR": 1.16, "GBP": 1.32, "CHF": 1.25, "JPY": 0.0066, "CNY": 0.140, "HKD": 0.128, "TWD": 0.032,
            "KRW": 0.00070, "SGD": 0.77, "AUD": 0.65, "NZD": 0.57, "CAD": 0.71, "MXN": 0.054, "BRL": 0.185,
            "ARS": 0.00070, "CLP": 0.00105, "COP": 0.00026, "INR": 0.0113, "AED": 0.272, "SAR": 0.267,
            "TRY": 0.024, "RUB": 0.0124, "PLN": 0.27, "SEK": 0.105, "NOK": 0.099, "DKK": 0.155, "CZK": 0.047,
            "HUF": 0.0029, "ZAR": 0.057, "THB": 0.030, "MYR": 0.236, "IDR": 0.000060, "PHP": 0.0171, "VND": 0.000038,
        ])
}
