package sandbox

import (
	"net/url"
	"regexp"
	"strings"
)

// applicationInput is the POST/PUT body. Pointers tell "absent" from "false".
type applicationInput struct {
	Name                        *string  `json:"name"`
	Description                 *string  `json:"description"`
	Enabled                     *bool    `json:"enabled"`
	HiddenFromAppPortal         *bool    `json:"hiddenFromAppPortal"`
	Type                        *string  `json:"type"`
	Protocol                    *string  `json:"protocol"`
	GrantTypes                  []string `json:"grantTypes"`
	ResponseTypes               []string `json:"responseTypes"`
	RedirectURIs                []string `json:"redirectUris"`
	PostLogoutRedirectURIs      []string `json:"postLogoutRedirectUris"`
	TokenEndpointAuthMethod     *string  `json:"tokenEndpointAuthMethod"`
	PKCEEnforcement             *string  `json:"pkceEnforcement"`
	AllowWildcardInRedirectURIs *bool    `json:"allowWildcardInRedirectUris"`
	ParRequirement              *string  `json:"parRequirement"`
	ParTimeout                  *int     `json:"parTimeout"`
	RefreshTokenDuration        *int     `json:"refreshTokenDuration"`
	RefreshTokenRollingDuration *int     `json:"refreshTokenRollingDuration"`
	ReplayProtection            *bool    `json:"additionalRefreshTokenReplayProtectionEnabled"`
	IdpSignoff                  *bool    `json:"idpSignoff"`
	LoginPageURL                *string  `json:"loginPageUrl"`
	DeviceTimeout               *int     `json:"deviceTimeout"`
	DevicePollingInterval       *int     `json:"devicePollingInterval"`
	Jwks                        *string  `json:"jwks"`
	JwksURL                     *string  `json:"jwksUrl"`
	ClientID                    *string  `json:"clientId"`
	ClientSecret                *string  `json:"clientSecret"`
	AssignActorRoles            *bool    `json:"assignActorRoles"` // POST only; accepted and ignored
}

// uriScheme is RFC 3986 §3.1.
var uriScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// validate collects every validation error (PingOne reports all of them in
// one INVALID_DATA response, not just the first).
func (in *applicationInput) validate() []errorDetail {
	var d []errorDetail
	required := func(target string) {
		d = append(d, errorDetail{Code: "REQUIRED_VALUE", Target: target, Message: "A value is required for " + target + "."})
	}
	enum := func(target, v string, allowed []string) bool {
		if contains(allowed, v) {
			return true
		}
		d = append(d, errorDetail{Code: "INVALID_VALUE", Target: target,
			Message:    "The value " + quoteForMessage(v) + " is not one of the allowed values.",
			InnerError: map[string]any{"allowedValues": allowed}})
		return false
	}
	invalid := func(target, msg string) {
		d = append(d, errorDetail{Code: "INVALID_VALUE", Target: target, Message: msg})
	}
	rangeCheck := func(target string, v *int, lo, hi int) {
		if v != nil && (*v < lo || *v > hi) {
			d = append(d, errorDetail{Code: "OUT_OF_RANGE", Target: target, Message: target + " is out of range.",
				InnerError: map[string]any{"rangeMinimumValue": lo, "rangeMaximumValue": hi}})
		}
	}

	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		required("name")
	}
	if in.Enabled == nil {
		required("enabled")
	}
	if in.Protocol == nil {
		required("protocol")
	} else if enum("protocol", *in.Protocol, enumProtocol) && *in.Protocol != "OPENID_CONNECT" {
		// The sandbox only emulates OIDC applications.
		d = append(d, errorDetail{Code: "INVALID_VALUE", Target: "protocol",
			Message:    "Only OPENID_CONNECT applications are supported by the sandbox.",
			InnerError: map[string]any{"allowedValues": []string{"OPENID_CONNECT"}}})
	}
	if in.Type == nil {
		required("type")
	} else if enum("type", *in.Type, enumAppType) && !contains(enumOIDCType, *in.Type) {
		d = append(d, errorDetail{Code: "INVALID_VALUE", Target: "type",
			Message:    "The application type is not valid for an OPENID_CONNECT application.",
			InnerError: map[string]any{"allowedValues": enumOIDCType}})
	}
	auth := ""
	if in.TokenEndpointAuthMethod == nil {
		required("tokenEndpointAuthMethod")
	} else if enum("tokenEndpointAuthMethod", *in.TokenEndpointAuthMethod, enumAuthMethod) {
		auth = *in.TokenEndpointAuthMethod
	}
	for _, g := range in.GrantTypes {
		enum("grantTypes", g, enumGrantType)
	}
	for _, rt := range in.ResponseTypes {
		enum("responseTypes", rt, enumRespType)
	}
	if in.PKCEEnforcement != nil {
		enum("pkceEnforcement", *in.PKCEEnforcement, enumPKCE)
	}
	if in.ParRequirement != nil {
		enum("parRequirement", *in.ParRequirement, enumPAR)
	}
	rangeCheck("parTimeout", in.ParTimeout, 1, 600)
	rangeCheck("refreshTokenDuration", in.RefreshTokenDuration, 60, 2147483647)
	rangeCheck("refreshTokenRollingDuration", in.RefreshTokenRollingDuration, 60, 2147483647)
	rangeCheck("deviceTimeout", in.DeviceTimeout, 1, 3600)
	rangeCheck("devicePollingInterval", in.DevicePollingInterval, 1, 60)
	if in.RefreshTokenDuration != nil && in.RefreshTokenRollingDuration != nil && *in.RefreshTokenDuration > *in.RefreshTokenRollingDuration {
		invalid("refreshTokenDuration", "refreshTokenDuration must be less than or equal to refreshTokenRollingDuration.")
	}

	wildcards := in.AllowWildcardInRedirectURIs != nil && *in.AllowWildcardInRedirectURIs
	for _, u := range in.RedirectURIs {
		if msg := checkRedirectURI(u, wildcards); msg != "" {
			invalid("redirectUris", msg)
		}
	}
	for _, u := range in.PostLogoutRedirectURIs {
		if msg := checkPostLogoutURI(u); msg != "" {
			invalid("postLogoutRedirectUris", msg)
		}
	}
	if in.LoginPageURL != nil && *in.LoginPageURL != "" {
		if msg := checkWebURL(*in.LoginPageURL); msg != "" {
			invalid("loginPageUrl", msg)
		}
	}

	// Cross-field rules (DOCS-FOUNDATIONS "Applications", TF validators).
	if contains(in.GrantTypes, "AUTHORIZATION_CODE") {
		if !contains(in.ResponseTypes, "CODE") {
			invalid("responseTypes", "The CODE response type is required when the AUTHORIZATION_CODE grant type is used.")
		}
		if len(in.RedirectURIs) == 0 {
			invalid("redirectUris", "At least one redirect URI is required when the AUTHORIZATION_CODE grant type is used.")
		}
	}
	if contains(in.ResponseTypes, "CODE") && !contains(in.GrantTypes, "AUTHORIZATION_CODE") {
		invalid("grantTypes", "The AUTHORIZATION_CODE grant type is required when the CODE response type is used.")
	}
	if contains(in.GrantTypes, "IMPLICIT") && !contains(in.ResponseTypes, "TOKEN") && !contains(in.ResponseTypes, "ID_TOKEN") {
		invalid("responseTypes", "The TOKEN or ID_TOKEN response type is required when the IMPLICIT grant type is used.")
	}
	if contains(in.GrantTypes, "CLIENT_CREDENTIALS") && auth == "NONE" {
		invalid("grantTypes", "The CLIENT_CREDENTIALS grant type cannot be used with the NONE token endpoint authentication method.")
	}
	if auth == "PRIVATE_KEY_JWT" && (in.Jwks == nil || *in.Jwks == "") && (in.JwksURL == nil || *in.JwksURL == "") {
		d = append(d, errorDetail{Code: "REQUIRED_VALUE", Target: "jwks",
			Message: "jwks or jwksUrl is required when tokenEndpointAuthMethod is PRIVATE_KEY_JWT."})
	}
	if in.ClientID != nil || in.ClientSecret != nil {
		invalid("clientId", "Importing a client ID and secret requires an environment feature flag that the sandbox does not enable.")
	}
	return d
}

// checkRedirectURI applies PingOne's redirect URI rules (pingone-api.md §3.2):
// https, a custom scheme, or http only for localhost/127.0.0.1; no fragment;
// wildcards only when allowWildcardInRedirectUris is set.
func checkRedirectURI(raw string, wildcards bool) string {
	if strings.Contains(raw, "*") && !wildcards {
		return "Wildcards are not allowed in redirect URIs. Set allowWildcardInRedirectUris to use them."
	}
	u, err := url.Parse(strings.ReplaceAll(raw, "*", "x"))
	if err != nil || u.Scheme == "" || !uriScheme.MatchString(u.Scheme) {
		return "The redirect URI " + quoteForMessage(raw) + " is not a valid absolute URI."
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "Redirect URIs must not contain a fragment."
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		if u.Host == "" {
			return "The redirect URI " + quoteForMessage(raw) + " has no host."
		}
	case "http":
		if h := u.Hostname(); h != "localhost" && h != "127.0.0.1" {
			return "The http scheme is only allowed for localhost and 127.0.0.1 redirect URIs."
		}
	case "javascript", "data", "vbscript", "file":
		return "The scheme " + quoteForMessage(u.Scheme) + " is not allowed in redirect URIs."
	}
	return ""
}

func checkPostLogoutURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || !uriScheme.MatchString(u.Scheme) {
		return "The post logout redirect URI " + quoteForMessage(raw) + " is not a valid absolute URI."
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "Post logout redirect URIs must not contain a fragment."
	}
	switch strings.ToLower(u.Scheme) {
	case "javascript", "data", "vbscript", "file":
		return "The scheme " + quoteForMessage(u.Scheme) + " is not allowed in post logout redirect URIs."
	}
	return ""
}

// checkWebURL: https, or http only for localhost/127.0.0.1 (TF validator).
func checkWebURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "The URL " + quoteForMessage(raw) + " is not valid."
	}
	if u.Scheme == "https" || (u.Scheme == "http" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1")) {
		return ""
	}
	return "The URL must use https (http is only allowed for localhost and 127.0.0.1)."
}

// toApplication copies a validated input onto a (new or replaced) application.
// PUT is a full replace, so absent optional fields go back to their defaults.
func (in *applicationInput) apply(a *application) {
	a.Name = strings.TrimSpace(*in.Name)
	a.Description = deref(in.Description)
	a.Enabled = *in.Enabled
	a.HiddenFromAppPortal = in.HiddenFromAppPortal != nil && *in.HiddenFromAppPortal
	a.Type = *in.Type
	a.Protocol = *in.Protocol
	a.GrantTypes = append([]string{}, in.GrantTypes...)
	a.ResponseTypes = append([]string{}, in.ResponseTypes...)
	a.RedirectURIs = append([]string{}, in.RedirectURIs...)
	a.PostLogoutRedirectURIs = append([]string{}, in.PostLogoutRedirectURIs...)
	a.TokenEndpointAuthMethod = *in.TokenEndpointAuthMethod
	a.PKCEEnforcement = deref(in.PKCEEnforcement)
	a.AllowWildcardInRedirectURIs = in.AllowWildcardInRedirectURIs != nil && *in.AllowWildcardInRedirectURIs
	a.ParRequirement = deref(in.ParRequirement)
	a.ParTimeout = derefInt(in.ParTimeout)
	a.RefreshTokenDuration = derefInt(in.RefreshTokenDuration)
	a.RefreshTokenRollingDuration = derefInt(in.RefreshTokenRollingDuration)
	a.ReplayProtection = in.ReplayProtection == nil || *in.ReplayProtection
	a.IdpSignoff = in.IdpSignoff != nil && *in.IdpSignoff
	a.LoginPageURL = deref(in.LoginPageURL)
	a.DeviceTimeout = derefInt(in.DeviceTimeout)
	a.DevicePollingInterval = derefInt(in.DevicePollingInterval)
	applyAppDefaults(a)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func isConfidential(method string) bool {
	return method == "CLIENT_SECRET_BASIC" || method == "CLIENT_SECRET_POST" || method == "CLIENT_SECRET_JWT"
}

// Enumerations from the OpenAPI file (EnumApplication*).
var (
	enumProtocol   = []string{"OPENID_CONNECT", "SAML", "WS_FED", "EXTERNAL_LINK"}
	enumAppType    = []string{"WEB_APP", "NATIVE_APP", "SINGLE_PAGE_APP", "WORKER", "SERVICE", "CUSTOM_APP", "PING_ONE_SELF_SERVICE", "PING_ONE_ADMIN_CONSOLE", "PING_ONE_PORTAL", "TEMPLATE_APP", "PORTAL_LINK_APP"}
	enumOIDCType   = []string{"CUSTOM_APP", "NATIVE_APP", "SERVICE", "SINGLE_PAGE_APP", "WEB_APP", "WORKER"}
	enumGrantType  = []string{"AUTHORIZATION_CODE", "IMPLICIT", "REFRESH_TOKEN", "CLIENT_CREDENTIALS", "DEVICE_CODE", "TOKEN_EXCHANGE", "CIBA"}
	enumRespType   = []string{"TOKEN", "ID_TOKEN", "CODE"}
	enumAuthMethod = []string{"NONE", "CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST", "PRIVATE_KEY_JWT", "CLIENT_SECRET_JWT"}
	enumPKCE       = []string{"OPTIONAL", "REQUIRED", "S256_REQUIRED"}
	enumPAR        = []string{"REQUIRED", "OPTIONAL"}
)
