// ZeppelinContextStandIn: a minimal stand-in for Zeppelin's `z` (SparkZeppelinContext, Zeppelin 0.11), so that
// NotebooksIT can run every paragraph of the notes in spark-shell. It is not Zeppelin: the dynamic forms return
// the value the test gave for their name, else their default; show prints a table the way Zeppelin's %table is
// written (tab-separated, header first); put/get keep objects. paragraphRan/requireRan/finish are the runner's:
// a paragraph that fails to compile or throws never reaches its paragraphRan, and requireRan then ends the shell.
class ZeppelinContextStandIn(values: Map[String, String], maxResult: Int = 1000) {
  private val asked = scala.collection.mutable.LinkedHashSet[String]()
  private val resources = scala.collection.mutable.Map[String, Any]()
  private val ran = scala.collection.mutable.ArrayBuffer[String]()
  private val shownRows = 10
  private var last = System.nanoTime()

  private def form(name: String, default: Any): Any = {
    asked += name
    values.getOrElse(name, default)
  }

  def textbox(name: String): Any = form(name, "")
  def textbox(name: String, defaultValue: String): Any = form(name, defaultValue)
  def input(name: String): Any = form(name, "")
  def input(name: String, defaultValue: Any): Any = form(name, defaultValue)
  def noteTextbox(name: String, defaultValue: String): Any = form(name, defaultValue)

  def select(name: String, options: Seq[(Any, String)]): Any = select(name, options, null: Any)
  def select(name: String, defaultValue: Any, options: Seq[(Any, String)]): Any = select(name, options, defaultValue)
  def select(name: String, options: Seq[(Any, String)], defaultValue: Any): Any = {
    val chosen = String.valueOf(form(name, defaultValue))
    options.map(_._1).find(v => String.valueOf(v) == chosen).getOrElse(throw new IllegalArgumentException(
      s"select '$name': '$chosen' is not one of its options ${options.map(_._1).mkString(", ")}"))
  }

  def checkbox(name: String, options: Seq[(Any, String)]): Seq[Any] = checkbox(name, options, options.map(_._1))
  def checkbox(name: String, options: Seq[(Any, String)], defaultChecked: Seq[Any]): Seq[Any] = {
    asked += name
    values.get(name) match {
      case Some(list) => list.split(",").map(_.trim).filter(_.nonEmpty).toSeq.map(v =>
        options.map(_._1).find(o => String.valueOf(o) == v).getOrElse(throw new IllegalArgumentException(
          s"checkbox '$name': '$v' is not one of its options")))
      case None => defaultChecked
    }
  }

  /** Like Zeppelin's z.show: a Dataset is evaluated (up to maxResult rows) and written as a %table. */
  def show(o: Any): Unit = show(o, maxResult)
  def show(o: Any, max: Int): Unit = o match {
    case ds: org.apache.spark.sql.Dataset[_] =>
      val df = ds.toDF()
      val rows = df.take(max + 1)
      println("%table " + df.columns.mkString("\t"))
      rows.take(shownRows).foreach(r => println(r.toSeq.map(v => String.valueOf(v).replace('\t', ' ').replace('\n', ' ')).mkString("\t")))
      println(s"[${if (rows.length > max) s"more than $max" else rows.length.toString} rows" +
        s"${if (rows.length > shownRows) s", the first $shownRows shown" else ""}]")
    case other => println(String.valueOf(other))
  }

  def put(name: String, value: Any): Unit = resources(name) = value
  def get(name: String): Any = resources.getOrElse(name, null)
  def remove(name: String): Unit = resources.remove(name)
  def containsKey(name: String): Boolean = resources.contains(name)

  // ---- the runner's, not Zeppelin's ----
  def paragraphRan(id: String): Unit = {
    ran += id
    val now = System.nanoTime()
    println(f"@@ran $id in ${(now - last) / 1e9}%.1f s")
    last = now
  }

  def requireRan(id: String): Unit = if (!ran.contains(id)) {
    println(s"@@failed $id")
    sys.exit(1)
  }

  def finish(expected: Int): Unit = {
    val unknown = values.keySet -- asked
    if (unknown.nonEmpty) {
      println(s"@@failed the test set forms no paragraph has: ${unknown.mkString(", ")}")
      sys.exit(1)
    }
    if (ran.size != expected) {
      println(s"@@failed ${ran.size} of $expected paragraphs ran")
      sys.exit(1)
    }
    println(s"@@all $expected paragraphs ran")
    sys.exit(0)
  }
}
