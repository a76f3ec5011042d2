// The service behind GET /kapacitor/v1/tasks/<task>/<endpoint>: the cached httpOut body of a running task.

import { httpOutNotFound } from './errors.ts';

/** What the route needs; StreamEngine implements it. */
export interface HttpOutSource {
  httpOut(taskId: string, endpoint: string): string | undefined;
}

export class HttpOutService {
  constructor(private readonly source: HttpOutSource) {}

  /**
   * The compact JSON body (`{"series":[...]}` or `{"series":null}`). The endpoint exists only while
   * the task executes: otherwise a not_found DomainError.
   */
  body(taskId: string, endpoint: string): string {
    const body = this.source.httpOut(taskId, endpoint);
    if (body === undefined) throw httpOutNotFound(taskId, endpoint);
    return body;
  }
}
