package lab

import (
	"encoding/json"
	"io"
	"net/http"
)

// jsonExchange is one redacted request and answer, with its Copy as cURL text.
type jsonExchange struct {
	Step            string      `json:"step"`
	Method          string      `json:"method"`
	URL             string      `json:"url"`
	RequestHeaders  http.Header `json:"request_headers,omitempty"`
	RequestBody     string      `json:"request_body,omitempty"`
	Status          int         `json:"status"`
	ResponseHeaders http.Header `json:"response_headers,omitempty"`
	ResponseBody    string      `json:"response_body,omitempty"`
	DurationMS      int64       `json:"duration_ms"`
	Error           string      `json:"error,omitempty"`
	Curl            string      `json:"curl"`
}

type jsonResult struct {
	Result
	DurationMS int64          `json:"duration_ms"`
	Exchanges  []jsonExchange `json:"exchanges"`
}

type jsonReport struct {
	Report
	DurationMS int64        `json:"duration_ms"`
	ExitCode   int          `json:"exit_code"`
	Holds      int          `json:"holds"`
	NotHolding int          `json:"does_not_hold"`
	NotRun     int          `json:"could_not_run"`
	Results    []jsonResult `json:"results"`
}

// WriteJSON writes everything the report holds, the redacted exchanges with their cURL
// commands included, as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{Report: *r, DurationMS: r.Duration.Milliseconds(), ExitCode: r.ExitCode(),
		Holds: r.Count(Holds), NotHolding: r.Count(DoesNotHold), NotRun: r.Count(CouldNotRun), Results: []jsonResult{}}
	for _, res := range r.Results {
		jr := jsonResult{Result: res, DurationMS: res.Duration.Milliseconds(), Exchanges: []jsonExchange{}}
		for _, x := range res.Exchanges {
			jr.Exchanges = append(jr.Exchanges, jsonExchange{
				Step: x.Step, Method: x.Method, URL: x.URL, RequestHeaders: x.RequestHeader, RequestBody: x.RequestBody,
				Status: x.Status, ResponseHeaders: x.ResponseHeader, ResponseBody: x.ResponseBody,
				DurationMS: x.Duration.Milliseconds(), Error: x.Err, Curl: x.Curl(),
			})
		}
		out.Results = append(out.Results, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
