// Renders /openapi.json with Swagger UI (the swagger-ui-dist bundle loaded before this file).
// Nothing leaves the service: the validator badge, which would call validator.swagger.io, is
// off, and the page never takes a document URL or configuration from its own address.
'use strict';

window.addEventListener('DOMContentLoaded', () => {
  const target = document.getElementById('swagger-ui');
  if (typeof window.SwaggerUIBundle !== 'function') {
    target.textContent = 'The reference viewer did not load. The document itself is at /openapi.json.';
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    filter: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    persistAuthorization: false,
    queryConfigEnabled: false,
    validatorUrl: null,
  });
});
