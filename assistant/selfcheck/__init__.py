"""The guided self-check without Streamlit: the interview (flow), the what-ifs (compare), how a
result is shown and printed (present, summary_pdf, speech) and facts for the 关于 page (about).

HTML and PDF rendering live here, not in the core's modules; pages in views/ only ask and draw.
"""
