package token

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// claimInfo is one dictionary entry.
type claimInfo struct {
	title, text string
	isTime      bool
}

// claimDictionary explains standard claims (RFC 7519 §4.1, OIDC Core §2 and
// §5.1, RFC 9068, RFC 8693) and the ones PingOne adds (env, org, p1.*).
var claimDictionary = map[string]claimInfo{
	"iss":       {title: "Issuer", text: "Who created and signed the token. For PingOne: https://auth.pingone.<region>/<environment ID>/as."},
	"sub":       {title: "Subject", text: "The ID of the user the token is about (for PingOne, the user's ID in the environment). Absent for app-only (client credentials) tokens."},
	"aud":       {title: "Audience", text: "Who the token is meant for. In an ID token this is your app's client ID; in an access token it is the API (resource) that should accept it."},
	"exp":       {title: "Expires at", text: "After this moment the token must no longer be accepted.", isTime: true},
	"iat":       {title: "Issued at", text: "When the token was created.", isTime: true},
	"nbf":       {title: "Not valid before", text: "The token must not be accepted before this moment.", isTime: true},
	"jti":       {title: "Token ID", text: "A unique identifier for this token, which lets a server notice if the same token is used twice."},
	"auth_time": {title: "Signed in at", text: "When the user actually authenticated. It can be earlier than the issue time when an existing session is reused.", isTime: true},
	"nonce":     {title: "Nonce", text: "A one-time random value the app sent when it started sign-in; the ID token must echo it, which ties the token to that sign-in attempt and stops replays."},
	"acr":       {title: "Authentication context", text: "How strongly the user was authenticated. In PingOne this is the name of the sign-on policy that ran (for example Single_Factor), or the flow policy ID for DaVinci."},
	"amr":       {title: "Authentication methods", text: "The ways the user proved who they are during this sign-in, such as a password (pwd) or a one-time code (otp)."},
	"azp":       {title: "Authorized party", text: "The client ID of the app that requested the token. It matters when a token has several audiences."},
	"at_hash":   {title: "Access-token hash", text: "A fingerprint of the access token issued together with this ID token, so the app can tell the two belong together."},
	"c_hash":    {title: "Code hash", text: "A fingerprint of the authorization code issued together with this ID token (used in hybrid flows)."},
	"sid":       {title: "Session ID", text: "Identifies the user's PingOne sign-on session; used for logout. Absent for app-only tokens."},
	"env":       {title: "Environment ID", text: "The PingOne environment the token belongs to. PingOne adds it when the token is meant for the PingOne platform API."},
	"org":       {title: "Organization ID", text: "The PingOne organization that owns the environment. PingOne adds it when the token is meant for the PingOne platform API."},
	"client_id": {title: "Client ID", text: "The app that requested the token."},
	"scope":     {title: "Scopes", text: "The permissions granted with this token, separated by spaces."},
	"cnf":       {title: "Confirmation", text: "Binds the token to a key or certificate (proof of possession): only the holder of that key may use it."},
	"act":       {title: "Actor", text: "Who is acting on behalf of the subject (token exchange / delegation)."},
	"may_act":   {title: "May act", text: "Who is allowed to act on behalf of the subject."},
	"sub_jwk":   {title: "Subject key", text: "A public key belonging to the subject (self-issued tokens)."},

	// OIDC Core §5.1 profile claims.
	"name":                  {title: "Full name", text: "The user's full name, for display."},
	"given_name":            {title: "Given name", text: "The user's first name."},
	"family_name":           {title: "Family name", text: "The user's surname."},
	"middle_name":           {title: "Middle name", text: "The user's middle name."},
	"nickname":              {title: "Nickname", text: "A casual name for the user."},
	"preferred_username":    {title: "Username", text: "The name the user signs in with. Not guaranteed to be unique or stable — use sub to identify the user."},
	"profile":               {title: "Profile page", text: "A URL of the user's profile page."},
	"picture":               {title: "Picture", text: "A URL of the user's picture."},
	"website":               {title: "Website", text: "A URL of the user's web site."},
	"email":                 {title: "Email", text: "The user's email address."},
	"email_verified":        {title: "Email verified", text: "Whether PingOne has confirmed the user controls that email address."},
	"gender":                {title: "Gender", text: "The user's gender."},
	"birthdate":             {title: "Birth date", text: "The user's birthday (YYYY-MM-DD; the year may be 0000 if withheld)."},
	"zoneinfo":              {title: "Time zone", text: "The user's time zone, such as Europe/Paris."},
	"locale":                {title: "Locale", text: "The user's language and region, such as en-US."},
	"phone_number":          {title: "Phone number", text: "The user's phone number."},
	"phone_number_verified": {title: "Phone verified", text: "Whether the phone number has been confirmed."},
	"address":               {title: "Address", text: "The user's postal address."},
	"updated_at":            {title: "Profile updated at", text: "When the user's profile was last changed.", isTime: true},

	// PingOne additions seen in tokens.
	"p1.userId":  {title: "PingOne user ID", text: "The user's ID in PingOne (same value as sub for user tokens)."},
	"p1.region":  {title: "PingOne region", text: "The PingOne geography that issued the token."},
	"p1.rid":     {title: "PingOne request ID", text: "An ID PingOne uses to correlate this request in its logs."},
	"auth_level": {title: "Authentication level", text: "A deployment-specific strength of the sign-in."},
}

// headerDictionary explains JOSE header parameters (RFC 7515 §4.1).
var headerDictionary = map[string]claimInfo{
	"alg":  {title: "Algorithm", text: "How the token is signed. PingOne uses RS256 (RSA with SHA-256); this app accepts nothing else."},
	"kid":  {title: "Key ID", text: "Which of the issuer's published keys signed the token."},
	"typ":  {title: "Type", text: "What kind of token this is; at+jwt marks an access token (RFC 9068)."},
	"cty":  {title: "Content type", text: "What the payload is; used for nested tokens."},
	"x5t":  {title: "Certificate thumbprint", text: "A fingerprint of the certificate of the signing key."},
	"jku":  {title: "Key set URL", text: "A URL the token suggests for its keys. Ignored: trusting it would let a forger supply their own key."},
	"x5u":  {title: "Certificate URL", text: "A URL the token suggests for its certificate. Ignored for the same reason as jku."},
	"jwk":  {title: "Embedded key", text: "A public key carried inside the token. Ignored: a token cannot vouch for itself."},
	"x5c":  {title: "Embedded certificate", text: "A certificate chain carried inside the token. Ignored: keys come only from the issuer."},
	"crit": {title: "Critical extensions", text: "Header extensions the reader must understand; this app understands none and rejects such tokens."},
	"enc":  {title: "Encryption", text: "The content encryption of an encrypted token (JWE)."},
}

// ExplainClaim returns a plain-language title and explanation for a claim
// name. known is false for names outside the dictionary (custom attributes
// mapped by the PingOne application, for instance).
func ExplainClaim(name string) (title, explanation string, known bool) {
	if c, ok := claimDictionary[name]; ok {
		return c.title, c.text, true
	}
	return name, "A custom claim (for example an attribute mapping configured on the PingOne application).", false
}

// ExplainHeader does the same for a JOSE header parameter.
func ExplainHeader(name string) (title, explanation string, known bool) {
	if c, ok := headerDictionary[name]; ok {
		return c.title, c.text, true
	}
	return name, "A header parameter this app does not know.", false
}

// amrValues explains RFC 8176 authentication method references.
var amrValues = map[string]string{
	"pwd":    "password",
	"otp":    "one-time code",
	"mfa":    "multi-factor",
	"sms":    "text message",
	"tel":    "phone call",
	"email":  "email",
	"face":   "face recognition",
	"fpt":    "fingerprint",
	"hwk":    "hardware key",
	"swk":    "software key",
	"pin":    "PIN",
	"pop":    "proof of possession of a key",
	"kba":    "knowledge-based questions",
	"mca":    "multiple channels",
	"rba":    "risk-based",
	"sc":     "smart card",
	"user":   "user presence test",
	"vbm":    "voice",
	"iris":   "iris scan",
	"retina": "retina scan",
	"geo":    "location",
	"wia":    "Windows integrated sign-in",
	"fido":   "FIDO security key or passkey",
	"x509":   "certificate",
}

// DescribeValue renders a claim value for people: times as
// "2026-11-22 14:03:10 UTC (in 54 minutes)", amr and scope as lists with
// meanings, booleans as yes/no, anything else as compact JSON.
func DescribeValue(name string, v any, now time.Time) string {
	if c, ok := claimDictionary[name]; ok && c.isTime {
		if t, err := toTime(v); err == nil {
			return whenRelative(t, now)
		}
	}
	switch name {
	case "amr":
		if list, ok := stringList(v); ok {
			parts := make([]string, len(list))
			for i, m := range list {
				if meaning, known := amrValues[m]; known {
					parts[i] = m + " (" + meaning + ")"
				} else {
					parts[i] = m
				}
			}
			return strings.Join(parts, ", ")
		}
	case "scope":
		if s, ok := v.(string); ok {
			return strings.Join(strings.Fields(s), ", ")
		}
		if list, ok := stringList(v); ok {
			return strings.Join(list, ", ")
		}
	case "aud":
		if list, ok := stringList(v); ok {
			return strings.Join(list, ", ")
		}
	}
	switch x := v.(type) {
	case nil:
		return "(empty)"
	case string:
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		if list, ok := stringList(x); ok {
			return strings.Join(list, ", ")
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// SortedClaimNames returns the names in claims with well-known ones first,
// in a stable order useful for display.
func SortedClaimNames(claims map[string]any) []string {
	order := []string{"iss", "sub", "aud", "azp", "client_id", "scope", "exp", "iat", "nbf", "auth_time", "nonce", "acr", "amr", "sid", "env", "org", "at_hash", "c_hash", "jti"}
	rank := map[string]int{}
	for i, n := range order {
		rank[n] = i + 1
	}
	names := make([]string, 0, len(claims))
	for n := range claims {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rank[names[i]], rank[names[j]]
		switch {
		case ri != 0 && rj != 0:
			return ri < rj
		case ri != 0 || rj != 0:
			return ri != 0
		}
		return names[i] < names[j]
	})
	return names
}

func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []string:
		return x, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// Humanize renders a duration the way people say it: "3 minutes",
// "1 hour 5 minutes", "2 days". The sign is ignored (callers say "ago" or
// "in"); precision drops as the duration grows.
func Humanize(d time.Duration) string {
	if d < 0 {
		if d == math.MinInt64 {
			d = math.MaxInt64
		} else {
			d = -d
		}
	}
	const day = 24 * time.Hour
	const year = 365 * day
	switch {
	case d < time.Second:
		return "less than a second"
	case d < time.Minute:
		return plural(int64(d/time.Second), "second")
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute")
	case d < day:
		h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
		if m == 0 {
			return plural(h, "hour")
		}
		return plural(h, "hour") + " " + plural(m, "minute")
	case d < 7*day:
		dd, h := int64(d/day), int64(d%day/time.Hour)
		if h == 0 {
			return plural(dd, "day")
		}
		return plural(dd, "day") + " " + plural(h, "hour")
	case d < year:
		return plural(int64(d/day), "day")
	default:
		y, dd := int64(d/year), int64(d%year/day)
		if dd == 0 || y >= 10 {
			return plural(y, "year")
		}
		return plural(y, "year") + " " + plural(dd, "day")
	}
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}

func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// whenRelative renders "2026-11-22 14:03:10 UTC (in 54 minutes)" or
// "(3 minutes ago)".
func whenRelative(t, now time.Time) string {
	d := t.Sub(now)
	switch {
	case d > -time.Second && d < time.Second:
		return formatTime(t) + " (now)"
	case d > 0:
		return formatTime(t) + " (in " + Humanize(d) + ")"
	default:
		return formatTime(t) + " (" + Humanize(d) + " ago)"
	}
}

// Year 9999: beyond it time formatting and duration arithmetic stop making
// sense, and no honest token needs it.
const maxNumericDate = 253402300799

// numericDate reads an RFC 7519 NumericDate claim: a JSON number of seconds
// since the epoch, possibly fractional. A string is an error, not something
// to be lenient about (it hides a broken or hostile issuer).
func numericDate(claims map[string]any, name string) (time.Time, bool, error) {
	v, present := claims[name]
	if !present {
		return time.Time{}, false, nil
	}
	t, err := toTime(v)
	return t, true, err
}

func toTime(v any) (time.Time, error) {
	var f float64
	switch x := v.(type) {
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return time.Time{}, errors.New("not a valid number")
		}
	case float64:
		f = x
	case int64:
		f = float64(x)
	case int:
		f = float64(x)
	case string:
		return time.Time{}, errors.New("text, but it must be a number of seconds")
	default:
		return time.Time{}, errors.New("not a number of seconds")
	}
	if math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return time.Time{}, errors.New("out of range")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}
