# Shared by the launchers: JVM flags every catalog-ml JVM needs. Sourced, not run.
# shellcheck shell=bash
CATALOG_ML_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Spark on Java 17 (spark-launcher 3.5.7 JavaModuleOptions), as in pom.xml's spark.java17.opens.
SPARK_JAVA17_OPENS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
)

# Gradient sharing (SharedTrainingMaster) fails at start without a longer Aeron unblock timeout.
# DL4J 1.0.0-M2 disables its oneDNN layer helpers unless told otherwise; executors build networks
# inside DL4J's own code, so the switch goes on every JVM (io.catalogml.model.Dl4jRuntime).
CATALOG_ML_DL4J_OPTS=(-Daeron.publication.unblock.timeout=60000000000 -Dorg.eclipse.deeplearning4j.helpers.disable=false)

# ND4J starts several OpenMP threads per task; with one task per core that oversubscribes.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
