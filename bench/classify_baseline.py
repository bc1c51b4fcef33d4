"""The classification baseline of issue 4: TF-IDF over jieba words (1–2-grams) and characters
(1–3-grams), scikit-learn's LinearSVC(class_weight="balanced"). Trains on rows whose 0-based index
modulo 5 is not 0 and tests on the others. Prints JSON: macro-F1 and accuracy per label and seconds.

Usage: python bench/classify_baseline.py ../shared/data/citizen-messages/msgabench/情感分类.train.csv
"""
import json
import sys
import time

import jieba
import pandas as pd
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

MAIN_DOMAINS = ["城建", "交通", "教育", "政务", "企业", "治安", "环保", "就业", "医疗", "三农", "文娱", "旅游", "金融"]

jieba.setLogLevel(60)
df = pd.read_csv(sys.argv[1], dtype=str).fillna("")
df["idx"] = range(len(df))
out = {}
for label in ["问题类型", "问题领域"]:
    d = df[df[label] != ""]
    if label == "问题领域":
        d = d[d[label].isin(MAIN_DOMAINS)]
    train, test = d[d.idx % 5 != 0], d[d.idx % 5 == 0]
    started = time.time()
    words = TfidfVectorizer(tokenizer=lambda t: jieba.lcut(t), token_pattern=None, lowercase=False, ngram_range=(1, 2))
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
    x_train = hstack([words.fit_transform(train["留言"]), chars.fit_transform(train["留言"])]).tocsr()
    x_test = hstack([words.transform(test["留言"]), chars.transform(test["留言"])]).tocsr()
    model = LinearSVC(class_weight="balanced")
    model.fit(x_train, train[label])
    predicted = model.predict(x_test)
    out[label] = {
        "train": len(train),
        "test": len(test),
        "macro_f1": round(f1_score(test[label], predicted, average="macro"), 4),
        "accuracy": round(accuracy_score(test[label], predicted), 4),
        "seconds": round(time.time() - started, 1),
    }
print(json.dumps(out, ensure_ascii=False))
