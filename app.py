"""Streamlit entry: a first page that settles a case (the guided flow replaces it)."""
import json

import streamlit as st

from assistant.errors import InputError
from assistant.settlement import settle

st.set_page_config(page_title="三重保障助手", page_icon="🏥")
st.title("三重保障助手")
text = st.text_area("病例（JSON）", height=240, key="case_json")
if st.button("计算") and text.strip():
    try:
        st.json(settle(json.loads(text)), expanded=True)
    except InputError as error:
        st.error(error.message)
