// «Мобильный ID»: WebAuthn ceremonies for the devices page and the login page.
// The server speaks JSON with base64url strings; the browser API wants ArrayBuffers.
(function () {
  "use strict";

  function fromB64url(s) {
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  }

  function toB64url(buf) {
    var bytes = new Uint8Array(buf);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeList(list) {
    return (list || []).map(function (c) {
      var out = Object.assign({}, c);
      out.id = fromB64url(c.id);
      return out;
    });
  }

  function creationOptions(options) {
    var pk = Object.assign({}, options.publicKey);
    pk.challenge = fromB64url(pk.challenge);
    pk.user = Object.assign({}, pk.user, { id: fromB64url(pk.user.id) });
    if (pk.excludeCredentials) pk.excludeCredentials = decodeList(pk.excludeCredentials);
    return { publicKey: pk };
  }

  function requestOptions(options) {
    var pk = Object.assign({}, options.publicKey);
    pk.challenge = fromB64url(pk.challenge);
    if (pk.allowCredentials) pk.allowCredentials = decodeList(pk.allowCredentials);
    return { publicKey: pk };
  }

  function registrationJson(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: {
        attestationObject: toB64url(r.attestationObject),
        clientDataJSON: toB64url(r.clientDataJSON),
        transports: typeof r.getTransports === "function" ? r.getTransports() : undefined,
      },
      extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
    };
  }

  function assertionJson(cred) {
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: {
        authenticatorData: toB64url(r.authenticatorData),
        clientDataJSON: toB64url(r.clientDataJSON),
        signature: toB64url(r.signature),
        userHandle: r.userHandle ? toB64url(r.userHandle) : null,
      },
      extensions: {},
    };
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) throw new Error(data.message || ("Ошибка " + resp.status));
        return data;
      });
    });
  }

  // The browser's own refusals (the person cancelled, a timeout) in words the person can read.
  function describe(e) {
    if (e && (e.name === "NotAllowedError" || e.name === "AbortError")) {
      return "Операция отменена или время ожидания истекло. Повторите попытку.";
    }
    if (e && e.name === "InvalidStateError") return "Это устройство уже зарегистрировано.";
    return (e && e.message) || "Не удалось выполнить операцию. Повторите попытку.";
  }

  function showError(el, text) {
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
  }

  var supported = !!(window.PublicKeyCredential && navigator.credentials);

  // Personal settings: add a device.
  var addForm = document.getElementById("passkey-add-form");
  if (addForm) {
    var addError = document.getElementById("passkey-error");
    if (!supported) {
      document.getElementById("passkey-add").disabled = true;
      var note = document.getElementById("passkey-unsupported");
      if (note) note.hidden = false;
    }
    addForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var csrf = addForm.dataset.csrf;
      var name = document.getElementById("passkey-new-name").value;
      var button = document.getElementById("passkey-add");
      button.disabled = true;
      post("/settings/passkeys/register/start", { csrf: csrf })
        .then(function (started) {
          return navigator.credentials.create(creationOptions(started.options)).then(function (cred) {
            return post("/settings/passkeys/register/finish", {
              csrf: csrf, ceremony: started.ceremony, name: name, credential: registrationJson(cred),
            });
          });
        })
        .then(function (done) { window.location.assign(done.redirect); })
        .catch(function (e) { showError(addError, describe(e)); button.disabled = false; });
    });
  }

  // The login page: sign in with a device.
  var signIn = document.getElementById("passkey-sign-in");
  if (signIn) {
    var signInError = document.getElementById("passkey-sign-in-error");
    if (!supported) signIn.disabled = true;
    signIn.addEventListener("click", function () {
      var csrf = signIn.dataset.csrf;
      signIn.disabled = true;
      if (signInError) signInError.hidden = true;
      post("/login/passkey/start", { csrf: csrf })
        .then(function (started) {
          return navigator.credentials.get(requestOptions(started.options)).then(function (cred) {
            return post("/login/passkey/finish", {
              csrf: csrf, ceremony: started.ceremony, credential: assertionJson(cred),
            });
          });
        })
        .then(function (done) { window.location.assign(done.redirect); })
        .catch(function (e) { showError(signInError, describe(e)); signIn.disabled = false; });
    });
  }
})();
