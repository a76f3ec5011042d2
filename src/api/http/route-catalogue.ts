// Records every route the server registers, for Kapacitor's `GET /kapacitor/v1/:routes`.

import type { FastifyInstance } from 'fastify';

export class RouteCatalogue {
  readonly #methods = new Map<string, Set<string>>();

  /** Must be called on the root instance before any route is registered. */
  watch(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const path = route.url.replace(/::/g, ':');
      let set = this.#methods.get(path);
      if (!set) this.#methods.set(path, (set = new Set()));
      for (const m of methods) set.add(m);
    });
  }

  /** Pattern → sorted methods, patterns sorted. */
  toJSON(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const path of [...this.#methods.keys()].sort()) out[path] = [...this.#methods.get(path)!].sort();
    return out;
  }
}
