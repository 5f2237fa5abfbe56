// Module resolve hooks (node:module register): `faultline` and its entry points, imported by a
// test file, resolve to the faultline that is running it. The map comes from own-api.ts.
let map = {};

export function initialize(data) {
  map = data.map;
}

export function resolve(specifier, context, next) {
  if (Object.hasOwn(map, specifier)) return { url: map[specifier], shortCircuit: true };
  return next(specifier, context);
}
