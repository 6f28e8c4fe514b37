package dev.lanes.examples.tutorial.bigger;

import dev.lanes.http.HttpException;
import dev.lanes.typed.Header;
import dev.lanes.typed.Provides;
import dev.lanes.typed.Query;

/** The checks the app's routes require: a query token on every route, an X-Token header on the items. */
final class Tokens {
  /** Proof that the query token was right. */
  record QueryToken() {}

  /** Proof that the X-Token header was right. */
  record HeaderToken() {}

  @Provides
  QueryToken queryToken(@Query String token) {
    if (!token.equals("jessica")) {
      throw new HttpException(400, "No Jessica token provided");
    }
    return new QueryToken();
  }

  @Provides
  HeaderToken headerToken(@Header String xToken) {
    if (!xToken.equals("fake-super-secret-token")) {
      throw new HttpException(400, "X-Token header invalid");
    }
    return new HeaderToken();
  }
}
