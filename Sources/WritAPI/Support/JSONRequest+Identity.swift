import WritCore

extension JSONRequest {
    /// A required email address member.
    mutating func email(_ key: String) -> Required<EmailAddress> {
        var email: EmailAddress?
        if let text = string(optional: key, maxLength: 254) {
            email = EmailAddress(text)
            if email == nil { fail(key, "must be an email address") }
        }
        return require(key, email)
    }

    /// A required name people read (organisation, team, agent, key): only visible characters, so no
    /// bidi override or zero-width character can make it look like something else.
    mutating func name(_ key: String, maxLength: Int = 200) -> Required<String> {
        require(key, name(optional: key, maxLength: maxLength))
    }

    /// An optional name people read, visible characters only.
    mutating func name(optional key: String, maxLength: Int = 200) -> String? {
        guard let text = string(optional: key, maxLength: maxLength) else { return nil }
        guard VisibleText.isVisible(text) else {
            fail(key, "must hold visible characters only (no bidi overrides, zero-width or other invisible characters)")
            return nil
        }
        return text
    }

    /// Optional free text people read beside an action (a justification, a decision's comment):
    /// visible characters only, like a name, so no bidi override, zero-width character or line
    /// separator can make an approver read something other than what was sent.
    mutating func readableText(optional key: String, maxLength: Int = 2000) -> String? {
        guard let text = string(optional: key, maxLength: maxLength) else { return nil }
        guard VisibleText.isVisible(text) else {
            fail(key, "must hold visible characters only (no bidi overrides, zero-width characters or line separators)")
            return nil
        }
        return text
    }

    /// A required new password: at least 12 characters.
    mutating func newPassword(_ key: String) -> Required<String> {
        var password = secret(optional: key)
        if let text = password, text.count < PasswordHashing.minimumLength {
            fail(key, "must be at least \(PasswordHashing.minimumLength) characters")
            password = nil
        }
        return require(key, password)
    }

    /// A required list of roles, at least one.
    mutating func roles(_ key: String) -> Required<[Role]> {
        require(key, roles(optional: key))
    }

    /// An optional list of roles, at least one when present.
    mutating func roles(optional key: String) -> [Role]? {
        guard let roles = list(optional: key, maxCount: Role.allCases.count, Role.init(rawValue:)) else { return nil }
        guard !roles.isEmpty else {
            fail(key, "must name at least one of admin, operator, approver, board, auditor")
            return nil
        }
        return Array(Set(roles)).sorted()
    }
}
