package export

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// Markdown renders r as a report a developer reads without the app: what was done and
// what failed, the environment and app settings, every step with its redacted request
// and response, the ID token checklist and, for a lab run, each case's verdict. The
// output is CommonMark with GitHub tables; every text is redacted again on the way out.
func Markdown(r Run) []byte {
	r = jsRedacted(r)
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	title := mdTitleKind(r.Kind)
	if r.Mode != "" {
		title += " (" + r.Mode + ")"
	}
	outcome := r.Outcome
	if outcome == "" {
		outcome = "unknown outcome"
	}
	w("# %s %s", mdText(title), mdText(outcome))
	if !r.Started.IsZero() {
		w(" — %s", mdWhen(r.Started))
	}
	w("\n\n")
	w("Exported by PKCE Desk %s. Secrets (passwords, codes, verifiers, tokens, cookies) are replaced by %s.\n\n",
		mdText(jsText(AppVersion)), mdCode(pingone.Redacted))

	w("- **Run:** %d\n", r.ID)
	w("- **Kind:** %s\n", mdOr(r.Kind))
	if r.Mode != "" {
		w("- **Mode:** %s\n", mdText(r.Mode))
	}
	w("- **Outcome:** %s\n", mdText(outcome))
	if !r.Started.IsZero() {
		w("- **Started:** %s\n", mdText(jsTime(r.Started)))
	}
	w("- **Duration:** %s\n", mdDuration(r.Duration))
	if r.Error != "" {
		w("- **Error:** %s\n", mdText(r.Error))
	}
	w("\n")
	if f, ok := jsFailure(r); ok {
		w("> **What failed:** %s\n\n", mdFailureLine(f))
	}

	w("## Environment\n\n")
	c := r.Connection
	mdTable(&b, []string{"Setting", "Value"}, [][]string{
		{"Connection", mdOr(c.Name)},
		{"Tag", mdOr(c.Tag)},
		{"Region", mdRegion(c)},
		{"Issuer", mdCodeOr(c.Issuer)},
		{"Environment ID", mdCodeOr(c.EnvironmentID)},
		{"Auth base", mdCodeOr(c.AuthBase)},
		{"API base", mdCodeOr(c.APIBase)},
		{"Custom domain", mdCodeOr(c.CustomDomain)},
	})

	w("## App\n\n")
	if a := r.App; r.Lab != nil && a.ClientID == "" && a.Name == "" {
		w("No app was chosen: the lab made throw-away apps (each case names the one it used).\n\n")
	} else {
		mdApp(&b, a)
	}

	if r.PKCE.Method != "" || r.PKCE.Challenge != "" {
		w("## PKCE\n\n")
		w("- **Method:** %s\n", mdCodeOr(r.PKCE.Method))
		w("- **Challenge:** %s\n", mdCodeOr(r.PKCE.Challenge))
		w("- The code_verifier is never exported (RFC 7636 §4.1 keeps it secret until it is redeemed).\n\n")
	}

	switch {
	case len(r.Steps) == 0 && r.Lab != nil:
		// A lab run's requests are listed under each case.
	case len(r.Steps) == 0:
		w("## Steps\n\nNo step was recorded.\n\n")
	default:
		w("## Steps\n\n")
		rows := make([][]string, 0, len(r.Steps))
		for i, s := range r.Steps {
			rows = append(rows, []string{mdInt(i + 1), mdStepName(s), mdOr(s.State), mdHTTP(s.Status), mdDuration(s.Duration)})
		}
		mdTable(&b, []string{"#", "Step", "State", "HTTP", "Duration"}, rows)
		for i, s := range r.Steps {
			mdStep(&b, i+1, s)
		}
	}

	switch {
	case len(r.Checks) == 0 && r.Lab != nil:
		// The lab checks tokens per case; there is no run-wide checklist.
	case len(r.Checks) == 0:
		w("## ID token checklist\n\nNo ID token was checked in this run.\n\n")
	default:
		w("## ID token checklist\n\n")
		rows := make([][]string, 0, len(r.Checks))
		for _, ch := range r.Checks {
			rows = append(rows, []string{mdText(ch.Title) + " (" + mdCode(ch.ID) + ")", mdVerdict(ch.Status), mdText(ch.Reason)})
		}
		mdTable(&b, []string{"Check", "Verdict", "Reason"}, rows)
	}

	if r.Lab != nil {
		mdLab(&b, r.Lab)
	}
	return []byte(b.String())
}

func mdApp(b *strings.Builder, a App) {
	mdTable(b, []string{"Setting", "Value"}, [][]string{
		{"Client ID", mdCodeOr(a.ClientID)},
		{"Name", mdOr(a.Name)},
		{"Redirect URI", mdCodeOr(a.RedirectURI)},
		{"Scopes", mdCodeOr(strings.Join(a.Scopes, " "))},
		{"PKCE enforcement", mdCodeOr(a.PKCEEnforcement)},
		{"Token endpoint authentication", mdCodeOr(a.TokenAuthMethod)},
	})
}

func mdStep(b *strings.Builder, n int, s Step) {
	fmt.Fprintf(b, "### %d. %s — %s\n\n", n, mdStepName(s), mdOr(s.State))
	var facts []string
	if s.Status != 0 {
		facts = append(facts, "HTTP "+mdHTTP(s.Status))
	}
	facts = append(facts, mdDuration(s.Duration))
	if !s.At.IsZero() {
		facts = append(facts, "at "+mdText(jsTime(s.At)))
	}
	b.WriteString(strings.Join(facts, " · "))
	b.WriteString("\n\n")
	if s.Reason != "" {
		fmt.Fprintf(b, "**Reason:** %s\n\n", mdText(s.Reason))
	}
	if s.Exchange != nil {
		mdExchange(b, *s.Exchange)
	}
}

// mdExchange writes a redacted exchange as two fenced blocks: the request as it went out
// and the response as it came back (or the transport failure).
func mdExchange(b *strings.Builder, x pingone.Exchange) {
	var req strings.Builder
	method := x.Method
	if method == "" {
		method = http.MethodGet
	}
	fmt.Fprintf(&req, "%s %s\n", method, x.URL)
	mdHeaderLines(&req, x.RequestHeader)
	if x.RequestBody != "" {
		req.WriteString("\n")
		req.WriteString(x.RequestBody)
		req.WriteString("\n")
	}
	b.WriteString("Request:\n\n")
	mdFenced(b, "http", req.String())

	if x.Status == 0 {
		reason := x.Err
		if reason == "" {
			reason = "no response"
		}
		fmt.Fprintf(b, "No response arrived: %s.\n\n", mdText(reason))
		return
	}
	var resp strings.Builder
	fmt.Fprintf(&resp, "HTTP %s\n", jsStatusLine(x.Status))
	mdHeaderLines(&resp, x.ResponseHeader)
	if x.ResponseBody != "" {
		resp.WriteString("\n")
		resp.WriteString(x.ResponseBody)
		resp.WriteString("\n")
	}
	fmt.Fprintf(b, "Response (%s):\n\n", mdDuration(x.Duration))
	mdFenced(b, "http", resp.String())
}

func mdHeaderLines(b *strings.Builder, h http.Header) {
	for _, name := range jsSortedKeys(h) {
		for _, v := range h[name] {
			fmt.Fprintf(b, "%s: %s\n", name, v)
		}
	}
}

func mdLab(b *strings.Builder, rep *lab.Report) {
	b.WriteString("## Break-it lab\n\n")
	fmt.Fprintf(b, "- **Issuer:** %s\n", mdCodeOr(rep.Issuer))
	if !rep.Started.IsZero() {
		fmt.Fprintf(b, "- **Started:** %s\n", mdText(jsTime(rep.Started)))
	}
	fmt.Fprintf(b, "- **Duration:** %s\n", mdDuration(rep.Duration))
	fmt.Fprintf(b, "- **Verdicts:** %d hold, %d do not hold, %d could not run\n",
		rep.Count(lab.Holds), rep.Count(lab.DoesNotHold), rep.Count(lab.CouldNotRun))
	fmt.Fprintf(b, "- **Exit code:** %d\n", rep.ExitCode())
	if rep.Cancelled {
		b.WriteString("- **Cancelled:** the run was stopped before every case ran\n")
	}
	b.WriteString("\n")
	if len(rep.Results) > 0 {
		rows := make([][]string, 0, len(rep.Results))
		for _, res := range rep.Results {
			rows = append(rows, []string{mdInt(res.Case.Number), mdText(res.Case.Name), mdVerdict(string(res.Verdict)), mdActual(res.Actual)})
		}
		mdTable(b, []string{"#", "Case", "Verdict", "What came back"}, rows)
	}
	for _, res := range rep.Results {
		fmt.Fprintf(b, "### Case %d. %s — %s\n\n", res.Case.Number, mdText(res.Case.Name), mdVerdict(string(res.Verdict)))
		items := [][2]string{
			{"Side", mdOr(string(res.Case.Side))},
			{"What was done", mdOr(res.Case.Done)},
			{"Expected", mdOr(res.Case.Expected)},
			{"Actual", mdActual(res.Actual)},
		}
		if res.Why != "" {
			items = append(items, [2]string{"Why this verdict", mdText(res.Why)})
		}
		items = append(items, [2]string{"Why it matters", mdOr(res.Case.Why)}, [2]string{"Reference", mdOr(res.Case.Reference)})
		if res.Actual.CorrelationID != "" {
			items = append(items, [2]string{"Correlation ID", mdCode(res.Actual.CorrelationID)})
		}
		if res.Info != "" {
			items = append(items, [2]string{"Note", mdText(res.Info)})
		}
		if res.AppID != "" {
			items = append(items, [2]string{"App", mdCode(res.AppID)})
		}
		items = append(items, [2]string{"Duration", mdDuration(res.Duration)})
		for _, it := range items {
			fmt.Fprintf(b, "- **%s:** %s\n", it[0], it[1])
		}
		b.WriteString("\n")
		for i, x := range res.Exchanges {
			fmt.Fprintf(b, "#### Exchange %d: %s\n\n", i+1, mdOr(x.Step))
			mdExchange(b, x)
		}
	}
	if len(rep.CleanedUp) > 0 {
		b.WriteString("**Cleaned up:**\n\n")
		for _, s := range rep.CleanedUp {
			fmt.Fprintf(b, "- %s\n", mdText(s))
		}
		b.WriteString("\n")
	}
	if len(rep.CleanupFailed) > 0 {
		b.WriteString("**Could not be deleted (remove by hand):**\n\n")
		for _, s := range rep.CleanupFailed {
			fmt.Fprintf(b, "- %s\n", mdText(s))
		}
		b.WriteString("\n")
	}
}

func mdActual(a lab.Actual) string {
	var parts []string
	if a.Status != 0 {
		parts = append(parts, "HTTP "+mdInt(a.Status))
	}
	if a.Error != "" {
		parts = append(parts, mdCode(a.Error))
	}
	if a.ErrorDescription != "" {
		parts = append(parts, mdText(a.ErrorDescription))
	}
	// Summary is the lab's own sentence of what came back, status and error included;
	// the parts are only spelled out when there is none.
	if a.Summary != "" {
		return mdText(a.Summary)
	}
	return mdOr(strings.Join(parts, " "))
}

func mdFailureLine(f jsFailureInfo) string {
	var where string
	switch {
	case f.Step != "":
		where = "step " + mdText(f.Title)
		if f.Title != f.Step {
			where += " (" + mdCode(f.Step) + ")"
		}
	case f.Check != "":
		where = "ID token check " + mdText(f.Title) + " (" + mdCode(f.Check) + ")"
	default:
		where = mdText(f.Title)
	}
	if f.Reason == "" {
		return where
	}
	return where + ": " + mdText(f.Reason)
}

// mdTable writes a GitHub table; the cells are already Markdown.
func mdTable(b *strings.Builder, head []string, rows [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for range head {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			// A pipe ends a cell even inside a code span (GFM), so it is escaped in
			// every cell; newlines would end the row.
			cells[i] = strings.ReplaceAll(mdOneLine(c), "|", `\|`)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	b.WriteString("\n")
}

// mdFenced writes body in a fenced code block whose fence is longer than any run of
// backticks in body (CommonMark §4.5), so the body cannot close it early.
func mdFenced(b *strings.Builder, info, body string) {
	fence := strings.Repeat("`", max(3, mdLongestRun(body, '`')+1))
	b.WriteString(fence + info + "\n")
	b.WriteString(body)
	if !strings.HasSuffix(body, "\n") {
		b.WriteString("\n")
	}
	b.WriteString(fence + "\n\n")
}

// mdCode is s as an inline code span, its delimiter longer than any backtick run in s
// (CommonMark §6.1).
func mdCode(s string) string {
	s = mdOneLine(s)
	delim := strings.Repeat("`", mdLongestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return delim + s + delim
}

func mdCodeOr(s string) string {
	if s == "" {
		return "—"
	}
	return mdCode(s)
}

// mdText escapes the characters that would make plain text into Markdown or HTML.
//
// An underscore inside a word (code_verifier) cannot start emphasis (CommonMark §6.2), so
// it is left alone to keep the raw text readable.
func mdText(s string) string {
	rs := []rune(mdOneLine(s))
	var b strings.Builder
	for i, r := range rs {
		escape := strings.ContainsRune("\\`*[]<>#|~!&", r)
		if r == '_' {
			escape = i == 0 || i == len(rs)-1 || !mdWordRune(rs[i-1]) || !mdWordRune(rs[i+1])
		}
		if escape {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func mdWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func mdOr(s string) string {
	if s == "" {
		return "—"
	}
	return mdText(s)
}

func mdOneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ")
}

func mdLongestRun(s string, c rune) int {
	longest, cur := 0, 0
	for _, r := range s {
		if r == c {
			cur++
			longest = max(longest, cur)
		} else {
			cur = 0
		}
	}
	return longest
}

func mdStepName(s Step) string {
	switch {
	case s.Label != "" && s.Name != "" && s.Label != s.Name:
		return mdText(s.Label) + " (" + mdCode(s.Name) + ")"
	case s.Label != "":
		return mdText(s.Label)
	default:
		return mdOr(s.Name)
	}
}

func mdHTTP(status int) string {
	if status == 0 {
		return "—"
	}
	return mdText(jsStatusLine(status))
}

// mdVerdict puts a failed check or a case that does not hold in bold so it stands out.
func mdVerdict(v string) string {
	switch v {
	case "failed", string(lab.DoesNotHold), string(lab.CouldNotRun):
		return "**" + mdText(v) + "**"
	}
	return mdOr(v)
}

func mdRegion(c Connection) string {
	switch {
	case c.Region != "":
		return mdText(c.Region)
	case c.Sandbox:
		return "— (sandbox)"
	case c.CustomDomain != "":
		return "— (custom domain)"
	}
	return "—"
}

// mdDuration is d in milliseconds to the microsecond, e.g. "12.345 ms".
func mdDuration(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", jsMillis(d))
}

func mdWhen(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05 MST")
}

func mdTitleKind(kind string) string {
	r, size := utf8.DecodeRuneInString(kind)
	if size == 0 {
		return "Run"
	}
	return string(unicode.ToUpper(r)) + kind[size:]
}

func mdInt(n int) string { return strconv.Itoa(n) }
