"""The app's pages (Streamlit scripts run by app.py's st.navigation) and what they share."""
