/**
 * Jest resolver: lets the CommonJS test runtime load the ESM-only schema packages
 * (kubernetes-models 5, @kubernetes-models/* and their ESM-only dependencies is-cidr and cidr-regex).
 *
 * Their package.json `exports` offer only the `import` condition, so jest's default CommonJS
 * resolution (`require`, `default`) fails with ERR_PACKAGE_PATH_NOT_EXPORTED. For these packages
 * only, resolve with the `import` condition; the files are then turned into CommonJS by the
 * `\.js$` transform of the jest config (see TOOLCHAIN.md §5). Every other request resolves as before.
 */
'use strict';

const ESM_PACKAGES = /^(?:kubernetes-models|@kubernetes-models\/[^/]+|is-cidr|cidr-regex)(?:\/|$)/;

module.exports = (request, options) =>
  options.defaultResolver(request, ESM_PACKAGES.test(request) ? { ...options, conditions: ['import', 'default'] } : options);
