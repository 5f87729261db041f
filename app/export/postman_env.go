package export

import (
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// PostmanEnvironment is one Postman environment file for the collection.
type PostmanEnvironment struct {
	// Key is "pingone-na", ..., "custom-domain" or "sandbox".
	Key string
	// File is the file name to write it under.
	File string
	// Name is the environment's name as Postman shows it.
	Name string
	// Data is the file's JSON.
	Data []byte
}

// DemoUser is the sandbox demo user's username and password. They are public (the
// sandbox prints them and they work nowhere else); only the sandbox environment file
// ever carries them, and only when they are given.
type DemoUser struct {
	Username, Password string
}

// PostmanSandboxEnvironmentFile is the sandbox environment's file name.
const PostmanSandboxEnvironmentFile = "pkcedesk-sandbox.postman_environment.json"

// PostmanEnvironments are the collection's environment files: one for each of PingOne's
// six regions, one for a custom domain and one for the sandbox, and one for t's own hosts
// when they are none of those. Each sets authPath, apiPath and asPath right for its hosts (PingOne docs, "PingOne API domains": the auth
// and API hosts of a region differ only in their top-level domain). The file matching t
// carries t's envID and clientId; the others leave them empty to fill in. The username is
// filled only for the sandbox and the password is always empty, except in the sandbox
// file when demo is given.
func PostmanEnvironments(t PostmanTarget, demo *DemoUser) ([]PostmanEnvironment, error) {
	own := pmTargetVars(t)
	get := func(kv []pmKV, key string) string {
		for _, v := range kv {
			if v.key == key {
				return v.value
			}
		}
		return ""
	}
	domain := pmDomain(t.CustomDomain)
	// A connection on hosts of its own (base URLs that are neither its region's nor a
	// custom domain: a proxy, a test stand-in) gets a file of its own with those hosts.
	ownHosts := !t.Sandbox && domain == "" && get(own, "authPath") != ""
	if ep, err := pingone.RegionEndpoints(t.Region); err == nil && ep.AuthBase == get(own, "authPath") {
		ownHosts = false
	}
	isRegion := func(r pingone.Region) bool { return !t.Sandbox && domain == "" && !ownHosts && t.Region == r }

	var out []PostmanEnvironment
	add := func(key, name string, vals []pmKV) error {
		doc := pmEnvDoc{ID: pmUUID("environment", key, t.EnvironmentID, t.ClientID), Name: name,
			Scope: "environment", ExportedUsing: "PKCE Desk"}
		for _, v := range vals {
			doc.Values = append(doc.Values, pmEnvVar{Key: v.key, Value: v.value, Type: pmEnvType(v.typ), Enabled: true})
		}
		data, err := pmEncode(doc)
		if err != nil {
			return err
		}
		out = append(out, PostmanEnvironment{Key: key, File: "pkcedesk-" + key + ".postman_environment.json", Name: name, Data: data})
		return nil
	}
	app := func(mine bool) (envID, clientID, redirect, scope string) {
		if mine {
			return get(own, "envID"), get(own, "clientId"), get(own, "redirectUri"), get(own, "scope")
		}
		return "", "", pingone.SeedRedirectURI, "openid"
	}
	vals := func(auth, api, as string, mine bool, user, pass string) []pmKV {
		envID, clientID, redirect, scope := app(mine)
		return []pmKV{
			{"authPath", auth, "default"}, {"apiPath", api, "default"}, {"envID", envID, "default"},
			{"clientId", clientID, "default"}, {"redirectUri", redirect, "default"}, {"scope", scope, "default"},
			{"asPath", as, "default"}, {"username", user, "default"}, {"password", pass, "secret"},
		}
	}
	for _, r := range pingone.Regions() {
		ep, err := pingone.RegionEndpoints(r)
		if err != nil {
			return nil, err
		}
		name := "PingOne " + r.DisplayName() + " (" + strings.TrimPrefix(ep.AuthBase, "https://auth.") + ")"
		if err := add("pingone-"+strings.ToLower(string(r)), name,
			vals(ep.AuthBase, ep.APIBase, "{{authPath}}/{{envID}}/as", isRegion(r), "", "")); err != nil {
			return nil, err
		}
	}

	// A custom domain replaces the auth host and drops the environment segment of the
	// issuer (https://{domain}/as); the Management API stays on the region's API host.
	customAuth, customAPI := "https://auth.example.com", "https://api.pingone.com/v1"
	if domain != "" {
		customAuth = "https://" + domain
		if api := get(own, "apiPath"); api != "" {
			customAPI = api
		} else if ep, err := pingone.RegionEndpoints(t.Region); err == nil {
			customAPI = ep.APIBase
		}
	}
	if err := add("custom-domain", "PingOne custom domain ("+strings.TrimPrefix(customAuth, "https://")+")",
		vals(customAuth, customAPI, "{{authPath}}/as", domain != "", "", "")); err != nil {
		return nil, err
	}

	if ownHosts {
		name := pmOr(strings.TrimSpace(t.Name), "This connection") + " (" + get(own, "authPath") + ")"
		if err := add("connection", name, vals(get(own, "authPath"), get(own, "apiPath"), "{{authPath}}/{{envID}}/as", true, "", "")); err != nil {
			return nil, err
		}
	}

	// The sandbox listens on a port of its choosing; its file holds the running one when
	// the target is the sandbox, and a placeholder otherwise.
	sbAuth, sbAPI := "http://127.0.0.1:PORT", "http://127.0.0.1:PORT/v1"
	sbVals := vals(sbAuth, sbAPI, "{{authPath}}/{{envID}}/as", false, "", "")
	sbVals[2].value = sandbox.DefaultEnvironmentID // the sandbox's fixed environment
	if t.Sandbox {
		var user, pass string
		if demo != nil {
			user, pass = demo.Username, demo.Password
		}
		sbVals = vals(get(own, "authPath"), get(own, "apiPath"), "{{authPath}}/{{envID}}/as", true, user, pass)
	}
	if err := add("sandbox", "PKCE Desk sandbox (offline)", sbVals); err != nil {
		return nil, err
	}
	return out, nil
}

func pmEnvType(t string) string {
	if t == "secret" {
		return "secret"
	}
	return "default"
}

// pmEnvDoc is a Postman environment file as Postman exports one.
type pmEnvDoc struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	Values        []pmEnvVar `json:"values"`
	Scope         string     `json:"_postman_variable_scope"`
	ExportedUsing string     `json:"_postman_exported_using"`
}

type pmEnvVar struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Type    string `json:"type"`
	Enabled bool   `json:"enabled"`
}
