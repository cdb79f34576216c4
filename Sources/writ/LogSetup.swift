import Logging

/// Process-wide logging set-up.
enum LogSetup {
    /// Sends logs to standard error as `key=value` lines at `level`; call once per process.
    static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "writ")
        logger.logLevel = level
        return logger
    }
}
