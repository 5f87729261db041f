package lab

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML as CI systems read it (the Jenkins/Ant schema that GitLab, GitHub
// reporters and others accept): one testsuite, one testcase per case, <failure> for a
// case that does not hold, <skipped> for one that could not run.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Errors    int             `xml:"errors,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      string          `xml:"time,attr"`
	Timestamp string          `xml:"timestamp,attr"`
	Hostname  string          `xml:"hostname,attr,omitempty"`
	Props     *junitProps     `xml:"properties,omitempty"`
	Cases     []junitTestCase `xml:"testcase"`
	SystemOut string          `xml:"system-out,omitempty"`
}

type junitProps struct {
	List []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func seconds(d interface{ Seconds() float64 }) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// JUnitName is the testcase name of a case: "case 01: Wrong code_verifier".
func JUnitName(c Case) string { return fmt.Sprintf("case %02d: %s", c.Number, c.Name) }

// WriteJUnit writes the report as JUnit XML. Secrets never reach it: results hold
// none and the exchanges were redacted when they were recorded.
func (r *Report) WriteJUnit(w io.Writer) error {
	suite := junitSuite{
		Name: "PKCE Desk break-it lab", Tests: len(r.Results), Failures: r.Count(DoesNotHold),
		Skipped: r.Count(CouldNotRun), Time: seconds(r.Duration), Timestamp: r.Started.UTC().Format("2006-01-02T15:04:05"),
		Props: &junitProps{List: []junitProp{{Name: "issuer", Value: r.Issuer}}},
	}
	for _, res := range r.Results {
		tc := junitTestCase{
			Name: JUnitName(res.Case), Classname: "pkcedesk.lab." + string(res.Case.Side),
			Time: seconds(res.Duration), SystemOut: detailText(res),
		}
		switch res.Verdict {
		case DoesNotHold:
			tc.Failure = &junitMessage{Message: "expected: " + res.Case.Expected + " actual: " + res.Actual.Summary,
				Type: "does not hold", Text: res.Why + "\nWithout this defence: " + res.Case.Why}
		case CouldNotRun:
			tc.Skipped = &junitMessage{Message: "could not run: " + res.Why}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	var out strings.Builder
	for _, c := range r.CleanedUp {
		out.WriteString("clean-up: " + c + "\n")
	}
	for _, c := range r.CleanupFailed {
		out.WriteString("clean-up FAILED: " + c + "\n")
	}
	suite.SystemOut = out.String()
	doc := junitSuites{Name: suite.Name, Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped,
		Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// detailText is a case's detail as plain text: what was done, expected, actual, and
// the redacted requests.
func detailText(res Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "What is done: %s\nExpected: %s\nWhy: %s\nReference: %s\nVerdict: %s\n",
		res.Case.Done, res.Case.Expected, res.Case.Why, res.Case.Reference, res.Verdict)
	if res.Why != "" {
		fmt.Fprintf(&b, "Because: %s\n", res.Why)
	}
	fmt.Fprintf(&b, "Actual: %s\n", res.Actual.Summary)
	if res.Actual.CorrelationID != "" {
		fmt.Fprintf(&b, "Correlation ID: %s\n", res.Actual.CorrelationID)
	}
	if res.Info != "" {
		fmt.Fprintf(&b, "Information: %s\n", res.Info)
	}
	for _, x := range res.Exchanges {
		fmt.Fprintf(&b, "%s %s %s -> %d\n", x.Step, x.Method, x.URL, x.Status)
	}
	return b.String()
}
