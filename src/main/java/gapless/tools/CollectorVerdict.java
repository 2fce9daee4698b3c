package gapless.tools;

import gapless.api.dto.ReplicaReport;
import java.util.List;
import java.util.Map;

/**
 * The verification result of one collector: its replica set, the view each member gave (absent
 * when the member holds no replica or could not be asked), and what is wrong.
 *
 * @param views           replica views by node id, for the members that answered with one
 * @param ledgerBatches   ledger batches of this collector
 * @param samplesChecked  ledger samples read back and compared, summed over replicas
 * @param problems        one line each, every line names the collector
 */
public record CollectorVerdict(
    String collector,
    List<String> replicaSet,
    Map<String, ReplicaReport> views,
    long ledgerBatches,
    long samplesChecked,
    List<String> problems) {

  public boolean ok() {
    return problems.isEmpty();
  }
}
