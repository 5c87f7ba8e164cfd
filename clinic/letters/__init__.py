"""Letters the clinic writes when a decision ends or changes a course: one for the patient and one for the
referring clinician, kept as PDFs among the chart's documents, sent by email or printed."""
