package dev.lanes.typed;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Names under the document's components/schemas never stand for two schemas: a clash fails the build, naming both. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchemaNamesTest {
  static final class Shop {
    record Item(String name) {}
  }

  static final class Stock {
    record Item(int count) {}
  }

  /** An app's own error record, named as the document's validation error schema is. */
  record ValidationError(String field, String problem) {}

  record HTTPValidationError(String detail) {}

  static final class TwoItems {
    @Post("/shop")
    String shop(@Body Shop.Item item) {
      return item.name();
    }

    @Post("/stock")
    int stock(@Body Stock.Item item) {
      return item.count();
    }
  }

  static final class ReportsErrors {
    @Post("/report")
    String report(@Body ValidationError error) {
      return error.field();
    }
  }

  static final class ReturnsErrors {
    @Get("/last")
    HTTPValidationError last() {
      return new HTTPValidationError("none");
    }

    @Get("/items/{id}")
    int item(@Path int id) { // its 422 brings in the fixed schemas after the record
      return id;
    }
  }

  @Test
  void twoRecordsWithTheSameSimpleNameFailTheBuild() {
    assertThatThrownBy(() -> TypedApi.builder().controller(new TwoItems()).build())
        .hasMessageContaining("Item")
        .hasMessageContaining(Shop.Item.class.getName())
        .hasMessageContaining(Stock.Item.class.getName());
  }

  @Test
  void aRecordNamedAsAValidationErrorSchemaFailsTheBuild() {
    assertThatThrownBy(() -> TypedApi.builder().controller(new ReportsErrors()).build())
        .hasMessageContaining(ValidationError.class.getName())
        .hasMessageContaining("ValidationError");
    assertThatThrownBy(() -> TypedApi.builder().controller(new ReturnsErrors()).build())
        .hasMessageContaining(HTTPValidationError.class.getName())
        .hasMessageContaining("HTTPValidationError");
  }
}
