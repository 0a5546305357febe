/* Starts Swagger UI for /api/v1/docs. External file, so the page needs no inline script (CSP). */
(function () {
  "use strict";
  function start() {
    var data = document.body.dataset;
    var csrfToken = data.csrfToken || "";
    window.ui = window.SwaggerUIBundle({
      url: data.openapiUrl,
      dom_id: "#swagger-ui",
      layout: "BaseLayout",
      deepLinking: true,
      validatorUrl: null,
      presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset],
      requestInterceptor: function (request) {
        // The browser session works for signed-in people; unsafe methods need the CSRF token.
        if (csrfToken && !request.headers.Authorization) {
          request.headers["X-CSRFToken"] = csrfToken;
        }
        return request;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
