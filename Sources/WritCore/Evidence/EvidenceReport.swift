/// `report.html`: one self-contained, printable page an examiner attaches to a control test. No
/// script, no external resource; every value is escaped.
public enum EvidenceReport {
    public static func html(manifest: EvidenceManifest, summary: EvidenceSummary, verification: [String]) -> String {
        let e = MailHTML.escape
        var rows = ""
        for (tier, statuses) in summary.byTierAndStatus.sorted(by: { $0.key < $1.key }) {
            for (status, count) in statuses.sorted(by: { $0.key < $1.key }) {
                rows += "<tr><td>\(e(tier))</td><td>\(e(status))</td><td>\(count)</td></tr>"
            }
        }
        let approvers = summary.approvers.sorted { $0.key < $1.key }
            .map { "<tr><td>\(e($0.key))</td><td>\($0.value.approved)</td><td>\($0.value.rejected)</td></tr>" }.joined()
        let exceptions = summary.exceptions.map {
            "<tr><td><code>\(e($0.id))</code></td><td>\(e($0.status))</td><td>\(e($0.detail))</td></tr>"
        }.joined()
        let policies = summary.policyChanges.map {
            "<tr><td>\(e($0.time))</td><td><code>\(e($0.policy))</code></td><td>\($0.version)</td><td>\(e($0.author))</td><td>\(e($0.comment))</td></tr>"
        }.joined()
        let median = summary.medianDecisionSeconds.map { "\($0) s" } ?? "no intent needed a decision"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Writ evidence \(e(manifest.since)) – \(e(manifest.until))</title>
            <style>body{font:14px/1.45 system-ui,sans-serif;color:#111;max-width:60rem;margin:2rem auto;padding:0 1rem}
            table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}
            th{background:#eee}code{font-size:12px}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.5rem}@media print{body{margin:0}}</style></head>
            <body><h1>Audit evidence</h1>
            <p>Tenant <code>\(e(manifest.tenant))</code>, period \(e(manifest.since)) to \(e(manifest.until)) (end excluded), generated \(e(manifest.generatedAt)).
            Audit chain events \(manifest.firstSeq)–\(manifest.lastSeq), linked to the hash of event \(manifest.firstSeq - 1).
            Check this pack yourself with <code>writ audit verify-evidence</code> or the script in the pack's documentation: the manifest lists the SHA-256 of every file and is signed by the tenant's key.</p>
            <h2>Intents by tier and outcome</h2><p>\(summary.intents) intents; median time from submission to the deciding approval: \(e(median)).</p>
            <table><tr><th>tier</th><th>status</th><th>intents</th></tr>\(rows)</table>
            <h2>Approvers and their decisions</h2><table><tr><th>approver</th><th>approved</th><th>rejected</th></tr>\(approvers)</table>
            <h2>Exceptions</h2><p>Rejections, expiries, cancellations, failures, denials and revoked warrants\(summary.moreExceptions > 0 ? " (the first \(summary.exceptions.count); \(summary.moreExceptions) more in intents.ndjson)" : "").</p>
            <table><tr><th>intent</th><th>what happened</th><th>action</th></tr>\(exceptions)</table>
            <h2>Policy changes</h2><table><tr><th>saved</th><th>policy</th><th>version</th><th>author</th><th>comment</th></tr>\(policies)</table>
            <h2>Verification when generated</h2><ul>\(verification.map { "<li>\(e($0))</li>" }.joined())</ul>
            </body></html>

            """
    }
}
