import WritCore

extension JSONRequest {
    /// An email address member.
    mutating func email(_ key: String) -> EmailAddress? {
        guard let text = string(key, maxLength: 254) else { return nil }
        guard let email = EmailAddress(text) else { fail(key, "must be an email address"); return nil }
        return email
    }

    /// A name people read (organisation, team, agent, key): only visible characters, so no bidi
    /// override or zero-width character can make it look like something else.
    mutating func name(_ key: String, required: Bool = true, maxLength: Int = 200) -> String? {
        guard let text = string(key, required: required, maxLength: maxLength) else { return nil }
        guard VisibleText.isVisible(text) else {
            fail(key, "must hold visible characters only (no bidi overrides, zero-width or other invisible characters)")
            return nil
        }
        return text
    }

    /// Free text people read beside an action (a justification, a decision's comment): visible
    /// characters only, like a name, so no bidi override, zero-width character or line separator
    /// can make an approver read something other than what was sent.
    mutating func readableText(_ key: String, maxLength: Int = 2000) -> String? {
        guard let text = string(key, required: false, maxLength: maxLength) else { return nil }
        guard VisibleText.isVisible(text) else {
            fail(key, "must hold visible characters only (no bidi overrides, zero-width characters or line separators)")
            return nil
        }
        return text
    }

    /// A new password: at least 12 characters.
    mutating func newPassword(_ key: String) -> String? {
        guard let password = secret(key) else { return nil }
        guard password.count >= PasswordHashing.minimumLength else {
            fail(key, "must be at least \(PasswordHashing.minimumLength) characters")
            return nil
        }
        return password
    }

    /// A list of roles, at least one.
    mutating func roles(_ key: String, required: Bool = true) -> [Role]? {
        guard let roles = list(key, required: required, maxCount: Role.allCases.count, Role.init(rawValue:)) else { return nil }
        guard !roles.isEmpty else { fail(key, "must name at least one of admin, operator, approver, board, auditor"); return nil }
        return Array(Set(roles)).sorted()
    }
}
