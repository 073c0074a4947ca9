import type { HttpClient, HttpResponse, RequestOptions } from '../core/http.js';

/** What the cost clients need of the HTTP layer; a RequestCounter or the HttpClient itself. */
export type CostHttp = Pick<HttpClient, 'request'>;

/**
 * Counts the HTTP attempts one provider makes (retries included), for the report and the
 * benchmark's "requests per provider". One counter per provider over the shared client.
 */
export class RequestCounter implements CostHttp {
  count = 0;
  constructor(private readonly http: CostHttp) {}

  async request(options: RequestOptions): Promise<HttpResponse> {
    try {
      const response = await this.http.request(options);
      this.count += response.attempts;
      return response;
    } catch (error) {
      this.count += (error as { attempts?: number }).attempts ?? 1;
      throw error;
    }
  }
}
