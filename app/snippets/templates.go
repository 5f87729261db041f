package snippets

// The templates get every value through a quoter of their language (quote.go); none
// inserts a value raw.

var goTemplate = parse("go", `// Command signin signs in to PingOne with the authorization code flow and PKCE
// (RFC 7636, S256) as a public client: it prints the authorize URL, waits for the
// redirect on the loopback address (RFC 8252 §7.3), checks state and trades the code
// for tokens. Run it with "go run .", open the URL it prints and sign in.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"golang.org/x/oauth2"
)

const (
	issuer      = {{go .Issuer}}
	clientID    = {{go .ClientID}}
	redirectURI = {{go .RedirectURI}}
)

var scopes = []string{ {{- goList .Scopes -}} }

func main() {
	if err := signIn(); err != nil {
		fmt.Fprintln(os.Stderr, "sign-in failed:", err)
		os.Exit(1)
	}
}

func signIn() error {
	conf := &oauth2.Config{
		ClientID: clientID, // a public client: no client secret
		Endpoint: oauth2.Endpoint{
			AuthURL:  {{go .AuthorizeURL}},
			TokenURL: {{go .TokenURL}},
			// client_id goes in the token request's body, with no Authorization header.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		RedirectURL: redirectURI,
		Scopes:      scopes,
	}
	callback, err := url.Parse(redirectURI)
	if err != nil {
		return err
	}
	path := callback.Path
	if path == "" {
		path = "/"
	}

	// A fresh verifier and state for every sign-in.
	verifier := oauth2.GenerateVerifier()
	state := rand.Text()

	type result struct {
		code string
		err  error
	}
	results := make(chan result, 1)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		var res result
		switch {
		case q.Get("state") != state: // not the answer to our request (RFC 6749 §10.12)
			res.err = errors.New("the redirect's state does not match")
		case q.Get("error") != "":
			res.err = fmt.Errorf("%s: %s", q.Get("error"), q.Get("error_description"))
		case q.Get("code") == "":
			res.err = errors.New("the redirect carries no code")
		default:
			res.code = q.Get("code")
		}
		if res.err != nil {
			http.Error(w, "Sign-in failed: "+res.err.Error(), http.StatusBadRequest)
		} else {
			fmt.Fprintln(w, "Signed in. You can close this tab.")
		}
		select {
		case results <- res:
		default: // a later request; the first answer counts
		}
	})

	// Listen on the redirect URI's own host and port.
	ln, err := net.Listen("tcp", callback.Host)
	if err != nil {
		return fmt.Errorf("cannot listen for the redirect: %w", err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	fmt.Println("Open this URL:", conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var res result
	select {
	case res = <-results:
	case <-ctx.Done():
		return errors.New("no redirect within 5 minutes")
	}
	if res.err != nil {
		return res.err
	}
	tok, err := conf.Exchange(ctx, res.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return err
	}
	// Use tok.AccessToken to call APIs; never print or log it.
	fmt.Println("signed in: access token received, expires", tok.Expiry.Format(time.RFC3339))
	if id, _ := tok.Extra("id_token").(string); id != "" {
		fmt.Println("an ID token came with it")
	}
	return nil
}
`)

var jsTemplate = parse("javascript", `// Sign in from a browser app with oidc-client-ts. UserManager runs the authorization
// code flow with PKCE (RFC 7636, S256) by default: it makes the verifier and state,
// keeps them in sessionStorage and checks state on the way back.
import { UserManager } from "oidc-client-ts";

const userManager = new UserManager({
  authority: {{js .Issuer}},
  client_id: {{js .ClientID}}, // a public client: no client secret
  redirect_uri: {{js .RedirectURI}},
  response_type: "code",
  scope: {{js .ScopeString}},
});

// Call from a "Sign in" button: the browser goes to PingOne.
export async function signIn() {
  await userManager.signinRedirect();
}

// Call on the page at the redirect URI: it trades the code for tokens.
export async function completeSignIn() {
  const user = await userManager.signinRedirectCallback();
  // Use user.access_token to call APIs; never log it.
  console.log("signed in: access token received, expires", new Date(user.expires_at * 1000).toISOString());
  return user;
}
`)

var nodeTemplate = parse("node", `// Sign in to PingOne from Node.js with openid-client (v6): the authorization code flow
// with PKCE (RFC 7636, S256) as a public client. It prints the authorize URL, waits for
// the redirect on the loopback address (RFC 8252 §7.3) and trades the code for tokens;
// openid-client checks state. Run it with "node signin.mjs".
import http from "node:http";
import * as client from "openid-client";

const issuer = new URL({{js .Issuer}});
const clientId = {{js .ClientID}};
const redirectURI = new URL({{js .RedirectURI}});
const scope = {{js .ScopeString}};

// client.None(): a public client sends its client_id and no secret.
{{- if .PlainHTTPIssuer}}
// The issuer is plain http (PKCE Desk's offline sandbox), which openid-client refuses
// unless told otherwise. PingOne's issuers are https: drop the option for them.
const config = await client.discovery(issuer, clientId, undefined, client.None(), {
  execute: [client.allowInsecureRequests],
});
{{- else}}
const config = await client.discovery(issuer, clientId, undefined, client.None());
{{- end}}

const codeVerifier = client.randomPKCECodeVerifier();
const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
const state = client.randomState();
const authorizeURL = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectURI.href,
  scope,
  code_challenge: codeChallenge,
  code_challenge_method: "S256",
  state,
});

const server = http.createServer(async (req, res) => {
  const current = new URL(req.url, redirectURI);
  if (current.pathname !== redirectURI.pathname) {
    res.writeHead(404).end();
    return;
  }
  try {
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
    });
    res.end("Signed in. You can close this tab.");
    // Use tokens.access_token to call APIs; never log it.
    console.log("signed in: access token received, expires in", tokens.expiresIn(), "s");
  } catch (err) {
    res.writeHead(400).end("Sign-in failed.");
    console.error("sign-in failed:", err.message);
    process.exitCode = 1;
  } finally {
    server.close();
  }
});
server.listen(Number(redirectURI.port || 80), redirectURI.hostname, () => {
  console.log("Open this URL:", authorizeURL.href);
});
`)

var swiftTemplate = parse("swift", `// Sign in with AppAuth for iOS. OIDAuthorizationRequest's initializer makes a PKCE code
// verifier with its S256 challenge (RFC 7636) and a state, and AppAuth checks state and
// sends the verifier with the code. An iOS app usually registers a custom-scheme
// redirect (RFC 8252 §7.1) such as com.example.app:/callback on the application in
// PingOne and uses it here. (On macOS, AppAuth presents from an NSWindow instead.)
import AppAuth
import UIKit

let issuer = URL(string: {{swift .Issuer}})!
let clientID = {{swift .ClientID}}
let redirectURI = URL(string: {{swift .RedirectURI}})!
let scopes = [ {{- swiftList .Scopes -}} ]

// Keep the session until the redirect comes back (AppAuth's README keeps it on the app delegate).
var currentAuthorizationFlow: OIDExternalUserAgentSession?

func signIn(presenting viewController: UIViewController) {
    OIDAuthorizationService.discoverConfiguration(forIssuer: issuer) { configuration, error in
        guard let configuration = configuration else {
            print("discovery failed: \(error?.localizedDescription ?? "unknown error")")
            return
        }
        let request = OIDAuthorizationRequest(
            configuration: configuration,
            clientId: clientID,
            clientSecret: nil, // a public client has no secret
            scopes: scopes,
            redirectURL: redirectURI,
            responseType: OIDResponseTypeCode,
            additionalParameters: nil)
        currentAuthorizationFlow = OIDAuthState.authState(byPresenting: request, presenting: viewController) { authState, error in
            // Use authState?.lastTokenResponse?.accessToken to call APIs; never log it.
            if let expires = authState?.lastTokenResponse?.accessTokenExpirationDate {
                print("signed in: access token received, expires \(expires)")
            } else {
                print("sign-in failed: \(error?.localizedDescription ?? "unknown error")")
            }
        }
    }
}
`)

var kotlinTemplate = parse("kotlin", `// Sign in with AppAuth for Android. AuthorizationRequest.Builder makes a PKCE code
// verifier with its S256 challenge (RFC 7636) and a state, and AppAuth checks state and
// sends the verifier with the code. An Android app usually registers a custom-scheme
// redirect (RFC 8252 §7.1) such as com.example.app:/callback on the application in
// PingOne and uses it here.
import android.content.Intent
import android.net.Uri
import androidx.activity.result.ActivityResultLauncher
import net.openid.appauth.AuthorizationException
import net.openid.appauth.AuthorizationRequest
import net.openid.appauth.AuthorizationResponse
import net.openid.appauth.AuthorizationService
import net.openid.appauth.AuthorizationServiceConfiguration
import net.openid.appauth.ResponseTypeValues

val issuer: Uri = Uri.parse({{kotlin .Issuer}})
const val CLIENT_ID = {{kotlin .ClientID}}
val redirectUri: Uri = Uri.parse({{kotlin .RedirectURI}})
val scopes = listOf( {{- kotlinList .Scopes -}} )

// Starts the sign-in: the launcher opens PingOne in a browser tab.
fun signIn(authService: AuthorizationService, launcher: ActivityResultLauncher<Intent>) {
    AuthorizationServiceConfiguration.fetchFromIssuer(issuer) { configuration, ex ->
        if (configuration == null) {
            println("discovery failed: ${ex?.message}")
            return@fetchFromIssuer
        }
        val request = AuthorizationRequest.Builder(configuration, CLIENT_ID, ResponseTypeValues.CODE, redirectUri)
            .setScopes(scopes)
            .build()
        launcher.launch(authService.getAuthorizationRequestIntent(request))
    }
}

// Call from the launcher's callback with the Intent it got back.
fun onAuthorizationResult(authService: AuthorizationService, data: Intent) {
    val response = AuthorizationResponse.fromIntent(data)
    if (response == null) {
        println("sign-in failed: ${AuthorizationException.fromIntent(data)?.message}")
        return
    }
    // A public client: the token request carries the code_verifier and no secret.
    authService.performTokenRequest(response.createTokenExchangeRequest()) { tokens, ex ->
        // Use tokens?.accessToken to call APIs; never log it.
        if (tokens != null) {
            println("signed in: access token received, expires ${tokens.accessTokenExpirationTime}")
        } else {
            println("token request failed: ${ex?.message}")
        }
    }
}
`)
