"""Reference numbers for the text features of a catalog-ml lake (docs/BENCHMARKS.md, issue 12).

Reads bronze.products and silver.features with delta-rs (no Spark) and prints, on preprocess's own
train/test split:
  * how much of the test split's text the training split never saw: products with a title word
    outside the vocabulary (id 1 in title_ids), and the share of subword id occurrences seen in
    training;
  * test weighted F1 of scikit-learn linear models: on the raw titles (TF-IDF of word 1-2 grams,
    with and without char_wb 2-5 grams) and on the lake's own ids (the features mllib-logreg reads).

With --attributes (names of bronze's attributes, e.g. gender,usage,season,baseColour) it also scores
the titles with each product's attribute values appended as tokens (usage_sports), as
preprocess.text.attributes gives them to the project's models.

  .venv/bin/python jobs/lib/linear_reference.py --lake /tmp/full/lake [--attributes gender,usage,season,baseColour]
"""
import argparse
import json

import numpy as np
import scipy.sparse as sp
from deltalake import DeltaTable
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.svm import LinearSVC


def bag(rows, columns, size):
    """One row per product: counts of every id of the given array columns (ids >= 1)."""
    indices, pointers = [], [0]
    for values in zip(*(rows[c] for c in columns)):
        for ids in values:
            if ids is not None:
                indices.extend(int(i) for i in ids if 0 < i < size)
        pointers.append(len(indices))
    m = sp.csr_matrix((np.ones(len(indices)), indices, pointers), shape=(len(rows), size))
    m.sum_duplicates()
    return m


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", required=True, help="lake root (holds bronze/ and silver/)")
    parser.add_argument("--attributes", default="",
                        help="comma-separated attribute names to append to the titles as tokens (name_value)")
    args = parser.parse_args()
    silver = DeltaTable(f"{args.lake}/silver/features").to_pandas(
        columns=["product_id", "label", "split", "title_ids", "description_ids", "subword_ids"])
    bronze = DeltaTable(f"{args.lake}/bronze/products").to_pandas(columns=["product_id", "title", "attributes"])
    df = silver.merge(bronze, on="product_id")
    train, test = df[df.split == "train"], df[df.split == "test"]
    size = 1 + max(int(max(ids)) for column in ("title_ids", "description_ids", "subword_ids")
                   for ids in df[column] if ids is not None and len(ids))
    out = {"lake": args.lake, "train": len(train), "test": len(test), "idSpace": size}
    out["testProductsWithUnknownTitleWord"] = float(np.mean([1 in list(t) for t in test.title_ids]))
    if df.subword_ids.notna().any():
        seen = {int(i) for ids in train.subword_ids for i in ids}
        occurrences = [int(i) for ids in test.subword_ids for i in ids]
        out["testSubwordOccurrencesSeenInTraining"] = float(np.mean([i in seen for i in occurrences]))
        out["testProductsWithASubwordSeenInTraining"] = float(
            np.mean([any(int(i) in seen for i in ids) for ids in test.subword_ids]))

    f1 = {}

    def score(name, model, x_train, x_test):
        model.fit(x_train, train.label)
        f1[name] = round(float(f1_score(test.label, model.predict(x_test), average="weighted")), 4)
        print(f"{name}: {f1[name]}", flush=True)

    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    w_train, w_test = words.fit_transform(train.title), words.transform(test.title)
    c_train, c_test = chars.fit_transform(train.title), chars.transform(test.title)
    score("titles: word 1-2 TF-IDF, LogisticRegression(C=10)", LogisticRegression(C=10, max_iter=300), w_train, w_test)
    wc_train, wc_test = sp.hstack([w_train, c_train]).tocsr(), sp.hstack([w_test, c_test]).tocsr()
    score("titles: word 1-2 + char_wb 2-5 TF-IDF, LogisticRegression(C=10)", LogisticRegression(C=10, max_iter=300),
          wc_train, wc_test)
    score("titles: word 1-2 + char_wb 2-5 TF-IDF, LinearSVC(C=1)", LinearSVC(C=1), wc_train, wc_test)
    for name, columns in (("word ids", ["title_ids", "description_ids"]),
                          ("word + subword ids", ["title_ids", "description_ids", "subword_ids"])):
        ids_train, ids_test = bag(train, columns, size), bag(test, columns, size)
        for weighting, tf in (("sublinear TF, L2", TfidfTransformer(sublinear_tf=True, use_idf=False)),
                              ("sublinear TF-IDF, L2", TfidfTransformer(sublinear_tf=True))):
            x_train, x_test = tf.fit_transform(ids_train), tf.transform(ids_test)
            score(f"lake {name}: {weighting}, LogisticRegression(C=10)", LogisticRegression(C=10, max_iter=300),
                  x_train, x_test)
    names = [n for n in args.attributes.split(",") if n]
    if names:
        def with_attributes(rows):
            def tokens(attributes):
                values = dict(attributes) if attributes is not None else {}
                return " ".join(f"{n}_{values[n].strip().lower().replace(' ', '_')}" for n in names
                                if values.get(n) and values[n].strip())
            return rows.title.fillna("") + " " + rows.attributes.map(tokens)
        a_train, a_test = with_attributes(train), with_attributes(test)
        words_a = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        chars_a = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        wca_train = sp.hstack([words_a.fit_transform(a_train), chars_a.fit_transform(a_train)]).tocsr()
        wca_test = sp.hstack([words_a.transform(a_test), chars_a.transform(a_test)]).tocsr()
        label = "titles + " + " ".join(names) + ": word 1-2 + char_wb 2-5 TF-IDF"
        score(f"{label}, LogisticRegression(C=10)", LogisticRegression(C=10, max_iter=300), wca_train, wca_test)
        score(f"{label}, LinearSVC(C=1)", LinearSVC(C=1), wca_train, wca_test)
    out["testWeightedF1"] = f1
    print(json.dumps(out))


if __name__ == "__main__":
    main()
