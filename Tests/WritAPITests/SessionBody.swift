/// A new session: what sign-up, sign-in and an accepted invitation answer.
struct SessionBody: Decodable {
    let tenant: TenantBody
    let user: MemberBody
    let csrfToken: String
    let organizations: [OrganizationBody]?

    private enum CodingKeys: String, CodingKey {
        case tenant, user, organizations
        case csrfToken = "csrf_token"
    }
}

/// The CSRF token of a session, which every answer that starts one carries (a password change
/// answers nothing else).
struct CSRFTokenBody: Decodable {
    let csrfToken: String

    private enum CodingKeys: String, CodingKey {
        case csrfToken = "csrf_token"
    }
}

/// A sign-in whose login belongs to several organisations: which one to open.
struct ChooseOrganizationBody: Decodable {
    let chooseOrganization: [OrganizationBody]

    private enum CodingKeys: String, CodingKey {
        case chooseOrganization = "choose_organization"
    }
}

/// A TOTP enrolment: the secret, and the same as a URI and a QR code.
struct TOTPEnrolmentBody: Decodable {
    let secret: String
    let otpauthURI: String
    let qrSVG: String

    private enum CodingKeys: String, CodingKey {
        case secret
        case otpauthURI = "otpauth_uri"
        case qrSVG = "qr_svg"
    }
}

/// The recovery codes a TOTP confirmation hands out once.
struct RecoveryCodesBody: Decodable {
    let recoveryCodes: [String]

    private enum CodingKeys: String, CodingKey {
        case recoveryCodes = "recovery_codes"
    }
}
