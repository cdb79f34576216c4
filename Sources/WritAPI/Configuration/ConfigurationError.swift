/// A setting that is missing or malformed; start-up stops with this message.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The setting at fault.
    public let setting: WritConfiguration.Setting
    /// What is wrong with it (never its value, which may be a secret).
    public let problem: String

    init(_ setting: WritConfiguration.Setting, _ problem: String) {
        self.setting = setting
        self.problem = problem
    }

    public var description: String { "\(setting.rawValue) \(problem)" }
}
