import Foundation
import TouchstoneCore

/// Where and from which severity a brand's alerts go. The lead wires each brand
/// profile's `alerts:` block (BRANDS.md) into one of these.
public struct AlertPolicy: Sendable, Hashable {
    /// Verdicts under this severity raise no alert.
    public var minSeverity: Severity
    /// Besides the `alerts` topic, which every alert goes to.
    public var sinks: [AlertSink]

    public init(minSeverity: Severity = .medium, sinks: [AlertSink] = []) {
        self.minSeverity = minSeverity
        self.sinks = sinks
    }
}

/// A place alerts are delivered to, besides the `alerts` topic.
public enum AlertSink: Sendable, Hashable {
    /// A JSON POST of the ``Alert`` to `url`, signed with the secret in the
    /// environment variable `secretEnv` (header `X-Touchstone-Signature: sha256=<hex>`);
    /// unsigned when `secretEnv` is nil.
    case webhook(url: String, secretEnv: String?)
}

/// How often and how patiently a failing webhook is tried again.
public struct RetryPolicy: Sendable, Hashable {
    /// Tries in all, the first included.
    public var maxAttempts: Int
    /// Wait before the second try; each further wait doubles, up to `maxDelay`.
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// One request's time limit.
    public var requestTimeout: Duration

    public init(maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(8), requestTimeout: Duration = .seconds(10)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.requestTimeout = requestTimeout
    }

    /// The wait after failed try number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, attempt) {
            delay = delay * 2
            if delay > maxDelay { return maxDelay }
        }
        return min(delay, maxDelay)
    }
}

/// The alert stage's settings as plain values.
public struct AlertConfiguration: Sendable {
    /// Per brand id.
    public var policies: [String: AlertPolicy]
    /// For brands without a policy.
    public var defaultPolicy: AlertPolicy
    public var retry: RetryPolicy

    public init(policies: [String: AlertPolicy] = [:], defaultPolicy: AlertPolicy = AlertPolicy(), retry: RetryPolicy = RetryPolicy()) {
        self.policies = policies
        self.defaultPolicy = defaultPolicy
        self.retry = retry
    }

    public func policy(for brand: String) -> AlertPolicy { policies[brand] ?? defaultPolicy }
}

/// A configuration or delivery problem a user can act on.
public struct AlertError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
