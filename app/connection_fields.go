package app

import (
	"errors"
	"net/http"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// explainConnection explains a failed step of a connection test and names the fields of
// p's form the failure points at, so the Connections screen can mark them.
func explainConnection(step string, p Profile, err error) *Problem {
	pr := explainAt(step, err)
	if pr == nil {
		return nil
	}
	if fields := connectionFields(step, p, err); len(fields) > 0 {
		cp := *pr
		cp.Fields = fields
		return &cp
	}
	return pr
}

// connectionFields maps a connection-test failure to the form fields it concerns:
//   - the worker's credentials rejected (invalid_client, 401 at the token endpoint): the
//     worker client ID and secret;
//   - an environment PingOne does not know (404): the worker's environment ID at the token
//     step, the target environment ID when listing its applications; a 401 there means
//     the token is not valid for that environment (another region or organisation);
//   - a host that does not resolve, refuses, has an untrusted certificate or does not
//     answer like PingOne: the region, or the base URL of an other-host connection.
//
// Failures no field can fix (a missing role, rate limits, timeouts) mark nothing.
func connectionFields(step string, p Profile, err error) map[string]string {
	if p.IsSandbox() {
		return nil // the sandbox has no form
	}
	var (
		oe *pingone.OAuthError
		pe *pingone.Error
		ne *pingone.NetworkError
		ue *pingone.UnexpectedResponseError
	)
	status := 0
	switch {
	case errors.Is(err, ErrSecretNotFound):
		return map[string]string{FieldWorkerSecret: "No worker secret is stored for this connection: paste it and save."}
	case errors.As(err, &oe):
		status = oe.Status
		if step == stepToken && oe.Code == "invalid_client" {
			status = http.StatusUnauthorized
		}
		if step == stepToken && oe.Code == "unauthorized_client" {
			return map[string]string{FieldWorkerClientID: "This client may not use client credentials: is it the worker app?"}
		}
	case errors.As(err, &pe):
		status = pe.Status
	case errors.As(err, &ne):
		switch ne.Class {
		case classDNS:
			return hostField(step, p, "This host name does not resolve: "+hostOr(ne.Host)+".")
		case classRefused:
			return hostField(step, p, "Nothing answers at "+hostOr(ne.Host)+".")
		case classCert, classHandshake:
			return hostField(step, p, "The certificate of "+hostOr(ne.Host)+" is not trusted (a proxy inspecting HTTPS?).")
		}
		return nil
	case errors.As(err, &ue):
		return hostField(step, p, hostOr(ue.Host)+" did not answer like PingOne: check the region or host.")
	default:
		return nil
	}
	switch {
	case step == stepToken && status == http.StatusUnauthorized:
		return map[string]string{
			FieldWorkerClientID: "PingOne rejected this client ID or the secret below.",
			FieldWorkerSecret:   "PingOne rejected this secret, or the client ID above: paste the worker's current secret.",
		}
	case step == stepToken && status == http.StatusNotFound:
		return map[string]string{FieldAdminEnvironmentID: "PingOne does not know this environment in this region."}
	case step == stepList && status == http.StatusNotFound:
		return map[string]string{FieldTargetEnvironmentID: "PingOne does not know this environment in this region."}
	case step == stepList && status == http.StatusUnauthorized:
		return map[string]string{FieldTargetEnvironmentID: "The worker's token is not valid for this environment: is it in the worker's region and organisation?"}
	}
	return nil
}

// hostField puts msg on the field that chose the host of step: the base URL of an
// other-host connection, otherwise the region (the worker token and the Management API
// always use the region's hosts, custom domain or not).
func hostField(step string, p Profile, msg string) map[string]string {
	switch {
	case step == stepToken && p.AuthBaseURL != "":
		return map[string]string{FieldAuthBaseURL: msg}
	case step == stepList && p.APIBaseURL != "":
		return map[string]string{FieldAPIBaseURL: msg}
	}
	return map[string]string{FieldRegion: msg}
}
