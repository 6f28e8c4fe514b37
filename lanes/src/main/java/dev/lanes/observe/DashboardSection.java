package dev.lanes.observe;

import java.util.List;
import java.util.Map;

/**
 * A table another module adds to the {@link LanesDashboard} below the lanes: a title, its column
 * names and its rows, read at each snapshot (every 250 ms per open page, on the {@code streaming}
 * lane). The core knows nothing of what it shows; {@code lanes-tasks}' task counts are one.
 *
 * <pre>{@code LanesDashboard.mount(app::getAsync, "/_lanes", List.of(tasks.dashboardSection()));}</pre>
 *
 * <p>{@link #rows()} may block briefly (a query), but should cache what is expensive: several
 * pages read it at once. A section that throws is shown with its error instead of rows.
 */
public interface DashboardSection {
  /** The table's heading, e.g. {@code tasks}. */
  String title();

  /** The column names, in order; each row holds a value per name (first column left-aligned). */
  List<String> columns();

  /** The rows now: each a map from column name to a number or string. */
  List<Map<String, Object>> rows();
}
