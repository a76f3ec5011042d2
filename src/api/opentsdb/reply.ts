// What an OpenTSDB handler answers: a status and a JSON body (none for 204/304).

export interface Reply {
  status: number;
  body?: unknown;
}
